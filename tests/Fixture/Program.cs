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
    cors.AddPolicy("any", policy => policy.AllowAnyOrigin().AllowAnyHeader().AllowAnyMethod());
    if (arguments.Cors is { } origin && origin != "*")
        cors.AddPolicy("origin", policy => policy.WithOrigins(origin).AllowCredentials().AllowAnyHeader().AllowAnyMethod());
});
builder.Services.AddTypedIo(options =>
{
    if (arguments.IsOfficial)
        OfficialProfile.ConfigureSocketIo(options);
});
if (!arguments.IsOfficial)
    DefaultProfile.AddHubs(builder.Services);

var app = builder.Build();
app.UseCors();

if (arguments.IsOfficial)
{
    app.MapEngineIo("/engine.io", new EngineIoEchoHandler(), OfficialProfile.ConfigureEngine).RequireCors("any");
    app.MapTypedIo(OfficialProfile.MapNamespaces).RequireCors("any");
}
else
{
    var endpoint = app.MapTypedIo(DefaultProfile.MapNamespaces);
    if (arguments.Cors is { } origin)
        endpoint.RequireCors(origin == "*" ? "any" : "origin");
}

app.Lifetime.ApplicationStarted.Register(() =>
{
    var host = arguments.IsOfficial ? "localhost" : "0.0.0.0";
    Console.WriteLine($"listening on http://{host}:{arguments.Port}");
});
app.Run();
