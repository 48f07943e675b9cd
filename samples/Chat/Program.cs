using FluentValidation;
using Microsoft.Extensions.FileProviders;
using TypedIo.Samples.Chat;

var builder = WebApplication.CreateBuilder(args);
builder.Services.Configure<ChatOptions>(builder.Configuration.GetSection("Chat"));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<ChatStore>();
builder.Services.AddSingleton<IValidator<SendMessage>, SendMessageValidator>();
builder.Services.AddAuthorization();
builder.Services.AddSocketAuthenticator<ChatAuthenticator>();
builder.Services.AddTypedIo().AddSocketHub<ChatHub>();

var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();
// socket.io-client's browser module, straight from the npm package (index.html maps "socket.io-client" to it).
app.UseStaticFiles(new StaticFileOptions
{
    FileProvider = new PhysicalFileProvider(Path.Combine(app.Environment.ContentRootPath, "node_modules", "socket.io-client", "dist")),
    RequestPath = "/client",
});
app.MapTypedIo();

app.Lifetime.ApplicationStarted.Register(() =>
{
    foreach (var url in app.Urls)
        Console.WriteLine($"TypedIo chat: open {url} in two browser tabs");
});
app.Run();
