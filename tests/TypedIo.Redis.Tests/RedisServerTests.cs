using StackExchange.Redis;
using TypedIo.Redis.Tests.Infrastructure;

namespace TypedIo.Redis.Tests;

/// <summary>The test infrastructure itself: a private redis-server that starts, answers, and comes back empty after a restart.</summary>
public sealed class RedisServerTests
{
    [Fact]
    public async Task Starts_answers_and_restarts_empty_on_the_same_port()
    {
        await using var server = await RedisServer.StartAsync();
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(server.Endpoint))
        {
            Assert.True(await redis.GetDatabase().StringSetAsync("k", "v"));
            Assert.Equal("v", (string?)await redis.GetDatabase().StringGetAsync("k"));
        }
        var port = server.Port;
        await server.RestartAsync();
        Assert.Equal(port, server.Port);
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(server.Endpoint))
            Assert.False((await redis.GetDatabase().StringGetAsync("k")).HasValue);
    }
}
