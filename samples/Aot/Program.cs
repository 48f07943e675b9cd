using System.Text.Json;
using TypedIo.Samples.Aot;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddTypedIo(o => o.JsonSerializerOptions = new JsonSerializerOptions(PingJsonContext.Default.Options))
    .AddSocketHub<PingHub>();

var app = builder.Build();
app.MapTypedIo();
app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine("listening on " + string.Join(", ", app.Urls)));
app.Run();
