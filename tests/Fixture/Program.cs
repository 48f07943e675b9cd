using TypedIo.Fixture;

FixtureArguments arguments;
try
{
    arguments = FixtureArguments.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
var builder = WebApplication.CreateSlimBuilder();
// Not part of the command line the judges use: the benchmarks' `typedio-inline` server (docs/benchmarks.md).
if (Environment.GetEnvironmentVariable("TYPEDIO_FIXTURE_INLINE") == "1")
    builder.Services.AddTypedIoInlineScheduling();
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
    // With the in-memory or the pub/sub adapter, sessions and missed packets stay on the node the client left (Node's
    // pub/sub adapter keeps none: it never recovers); across nodes with the streams adapter.
    if (arguments.Recovery)
        options.ConnectionStateRecovery = new TypedIo.SocketIo.ConnectionStateRecoveryOptions();
});
if (!arguments.IsOfficial)
    DefaultProfile.AddHubs(builder.Services);
if (arguments.IsCluster && arguments.Adapter == "streams")
    builder.Services.AddRedisStreamsAdapter(options => options.Configuration = arguments.Redis);
else if (arguments.IsCluster && arguments.Adapter == "sharded")
    builder.Services.AddRedisShardedAdapter(options => options.Configuration = arguments.Redis);
else if (arguments.IsCluster)
    builder.Services.AddRedisAdapter(options => options.Configuration = arguments.Redis);

var app = builder.Build();
app.UseCorsWhereAPolicyApplies();

if (arguments.IsOfficial)
{
    app.MapEngineIo("/engine.io", new EngineIoEchoHandler(), OfficialProfile.ConfigureEngine).RequireCors("any");
    app.MapTypedIo(OfficialProfile.MapNamespaces).RequireCors("any");
}
else
{
    var endpoint = app.MapTypedIo(io =>
    {
        DefaultProfile.MapNamespaces(io);
        if (arguments.IsCluster)
            ClusterEvents.Map(io, arguments.NodeName);
    });
    if (arguments.Cors is { } origin)
        endpoint.RequireCors(origin == "*" ? "any" : "origin");
}

app.Lifetime.ApplicationStarted.Register(() => _ = Task.Run(async () =>
{
    // A cluster node is ready once its channels are subscribed: a broadcast published before would not reach it.
    var adapter = app.Services.GetRequiredService<TypedIo.SocketIo.SocketIoServer>().Sockets.Adapter;
    if (adapter is TypedIo.Redis.RedisAdapter redis)
        await redis.Subscribed;
    else if (adapter is TypedIo.Redis.Streams.RedisStreamsAdapter streams)
        await streams.Ready;
    else if (adapter is TypedIo.Redis.RedisShardedAdapter sharded)
        await sharded.Subscribed;
    var host = arguments.IsOfficial ? "localhost" : "0.0.0.0";
    Console.WriteLine($"listening on http://{host}:{arguments.Port}");
}));
app.Run();
return 0;
