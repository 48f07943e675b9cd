using TypedIo.EngineIo;
using TypedIo.Fixture;

var arguments = FixtureArguments.Parse(args);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    if (arguments.IsOfficial)
        kestrel.ListenLocalhost(arguments.Port);
    else
        kestrel.ListenAnyIP(arguments.Port);
});
builder.Services.AddCors(cors =>
{
    cors.AddPolicy("official", policy => policy.AllowAnyOrigin().AllowAnyHeader().AllowAnyMethod());
    if (arguments.Cors is { } origin)
    {
        cors.AddPolicy("fixture", policy =>
        {
            if (origin == "*")
                policy.AllowAnyOrigin();
            else
                policy.WithOrigins(origin).AllowCredentials();
            policy.AllowAnyHeader().AllowAnyMethod();
        });
    }
});

var app = builder.Build();
app.UseCors();

if (arguments.IsOfficial)
{
    app.MapEngineIo("/engine.io", new EngineIoEchoHandler(), OfficialProfile.Configure).RequireCors("official");
}

app.Lifetime.ApplicationStarted.Register(() =>
{
    var host = arguments.IsOfficial ? "localhost" : "0.0.0.0";
    Console.WriteLine($"listening on http://{host}:{arguments.Port}");
});
app.Run();
