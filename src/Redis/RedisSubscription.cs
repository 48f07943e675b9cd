using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace TypedIo.Redis;

/// <summary>Subscriptions of the Redis adapters: one queue per channel, its messages handled one at a time and in order.</summary>
internal static class RedisSubscription
{
    /// <summary>
    /// Subscribes <paramref name="channel"/> with a queue whose messages <paramref name="handler"/> handles in order (a
    /// node's client count before its acks); an exception of the handler is logged. Retried with backoff until it
    /// works or <paramref name="cancellationToken"/> is cancelled: Redis may be down when the server starts.
    /// StackExchange.Redis subscribes the queue again by itself after a reconnection.
    /// </summary>
    public static async Task<ChannelMessageQueue> SubscribeAsync(ISubscriber subscriber, RedisChannel channel, Action<ChannelMessage> handler,
        ILogger logger, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                var queue = await subscriber.SubscribeAsync(channel).ConfigureAwait(false);
                queue.OnMessage(message =>
                {
                    try
                    {
                        handler(message);
                    }
                    catch (Exception ex)
                    {
                        RedisLog.HandlingFailed(logger, message.Channel.ToString(), ex);
                    }
                });
                return queue;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                RedisLog.SubscribeFailed(logger, channel.ToString(), ex);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    /// <summary>Unsubscribes every queue of <paramref name="queues"/> (without waiting) and forgets them.</summary>
    public static void UnsubscribeAll(List<ChannelMessageQueue> queues)
    {
        ChannelMessageQueue[] copy;
        lock (queues)
        {
            copy = [.. queues];
            queues.Clear();
        }
        foreach (var queue in copy)
            _ = queue.UnsubscribeAsync();
    }
}
