using Microsoft.Extensions.FileProviders;
using TypedIo.Samples.Chat;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddTypedIo();

var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();
// The socket.io-client browser bundle, straight from the npm package.
app.UseStaticFiles(new StaticFileOptions
{
    FileProvider = new PhysicalFileProvider(Path.Combine(app.Environment.ContentRootPath, "node_modules", "socket.io-client", "dist")),
    RequestPath = "/client",
});
app.MapTypedIo(ChatNamespace.Map);

app.Lifetime.ApplicationStarted.Register(() =>
{
    foreach (var url in app.Urls)
        Console.WriteLine($"TypedIo chat: open {url} in two browser tabs");
});
app.Run();
