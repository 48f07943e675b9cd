namespace TypedIo.SocketIo;

/// <summary>
/// An immutable description of a broadcast: each method returns a new operator. The packet is encoded once and
/// the same bytes go to every recipient.
/// </summary>
/// <example>
/// <code>
/// await io.Of("/").To("room1").Except("room2").EmitAsync("news", item);
/// await socket.Broadcast.EmitAsync("joined", socket.Id);   // everyone but the sender
/// </code>
/// </example>
public sealed class BroadcastOperator
{
    private readonly Namespace _namespace;
    private readonly BroadcastOptions _options;

    internal BroadcastOperator(Namespace nsp, BroadcastOptions options)
    {
        _namespace = nsp;
        _options = options;
    }

    /// <summary>Targets the sockets in <paramref name="room"/> (added to the rooms already targeted).</summary>
    public BroadcastOperator To(string room) => With(_options with { Rooms = _options.Rooms.Add(room) });

    /// <summary>Targets the sockets in any of <paramref name="rooms"/>.</summary>
    public BroadcastOperator To(IEnumerable<string> rooms) => With(_options with { Rooms = _options.Rooms.Union(rooms) });

    /// <summary>Same as <see cref="To(string)"/>.</summary>
    public BroadcastOperator In(string room) => To(room);

    /// <summary>Excludes the sockets in <paramref name="room"/>.</summary>
    public BroadcastOperator Except(string room) => With(_options with { Except = _options.Except.Add(room) });

    /// <summary>Excludes the sockets in any of <paramref name="rooms"/>.</summary>
    public BroadcastOperator Except(IEnumerable<string> rooms) => With(_options with { Except = _options.Except.Union(rooms) });

    /// <summary>Only sockets on this server node.</summary>
    public BroadcastOperator Local => With(_options with { Flags = _options.Flags | BroadcastFlags.Local });

    /// <summary>Dropped for sockets that cannot take it right away.</summary>
    public BroadcastOperator Volatile => With(_options with { Flags = _options.Flags | BroadcastFlags.Volatile });

    /// <summary>Whether to compress (recorded for transports that support it).</summary>
    public BroadcastOperator Compress(bool compress) =>
        With(_options with { Flags = compress ? _options.Flags & ~BroadcastFlags.NoCompress : _options.Flags | BroadcastFlags.NoCompress });

    /// <summary>The namespace broadcast in.</summary>
    public Namespace Namespace => _namespace;

    /// <summary>Who this operator targets.</summary>
    public BroadcastOptions Options => _options;

    /// <summary>Emits <paramref name="eventName"/> with <paramref name="args"/> to every targeted socket.</summary>
    public ValueTask EmitAsync(string eventName, params object?[] args)
    {
        ReservedEvents.ThrowIfReserved(eventName);
        return _namespace.BroadcastEventAsync(eventName, args, _options);
    }

    /// <summary>
    /// Emits <paramref name="eventName"/> with received arguments as they came (binary included) to every targeted
    /// socket, for example <c>socket.Broadcast.EmitAsync("chat", e.Args)</c>: their JSON is written once from the
    /// received bytes, without the JSON tree that <see cref="SocketArgs.ToEmitArgs"/> makes.
    /// </summary>
    public ValueTask EmitAsync(string eventName, SocketArgs args)
    {
        ReservedEvents.ThrowIfReserved(eventName);
        ArgumentNullException.ThrowIfNull(args);
        return _namespace.BroadcastEventAsync(eventName, args, _options);
    }

    /// <summary>
    /// Emits <paramref name="eventName"/> to every targeted socket and collects their acks (Node's
    /// <c>io.timeout(ms).emitWithAck(...)</c>). The packet is encoded once, with one ack id for the whole broadcast.
    /// Completes as soon as every targeted socket answered (or disconnected), or after <paramref name="timeout"/> with
    /// the answers that arrived and the sockets that did not answer; later answers are ignored. With no targeted
    /// socket it completes at once with empty lists. <see cref="Timeout.InfiniteTimeSpan"/> waits until every socket
    /// answered or disconnected.
    /// </summary>
    /// <example>
    /// <code>
    /// var result = await io.Of("/").To("players").EmitWithAckAsync("ready?", [], TimeSpan.FromSeconds(5));
    /// foreach (var (socketId, args) in result.Responses) Console.WriteLine($"{socketId}: {args[0]}");
    /// foreach (var socketId in result.TimedOut) Console.WriteLine($"{socketId} did not answer");
    /// </code>
    /// </example>
    public Task<BroadcastAckResult> EmitWithAckAsync(string eventName, object?[] args, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ReservedEvents.ThrowIfReserved(eventName);
        ArgumentNullException.ThrowIfNull(args);
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be positive, or Timeout.InfiniteTimeSpan.");
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<BroadcastAckResult>(cancellationToken);

        var id = _namespace.NextAckId();
        var packet = _namespace.Server.Parser.EncodeEvent(_namespace.Name, eventName, args, id);
        var collector = new BroadcastAckCollector(_namespace, id, eventName);
        collector.Start(timeout, cancellationToken);
        return BroadcastWithAckAsync(packet, id, timeout, collector);
    }

    private async Task<BroadcastAckResult> BroadcastWithAckAsync(EncodedPacket packet, long id, TimeSpan timeout, BroadcastAckCollector collector)
    {
        try
        {
            var adapter = _namespace.Adapter;
            await adapter.BroadcastWithAckAsync(packet, id, timeout == Timeout.InfiniteTimeSpan ? _options : _options with { Timeout = timeout }, collector).ConfigureAwait(false);
            collector.SetNodeCount(await adapter.ServerCountAsync().ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            collector.Fail(ex);
        }
        return await collector.Task.ConfigureAwait(false);
    }

    /// <summary>The ids of the targeted sockets of this node.</summary>
    public IReadOnlySet<string> SocketIds()
    {
        var ids = _namespace.Adapter.Sockets(_options.Rooms);
        if (_options.Except.Count == 0)
            return ids;
        var excluded = _namespace.Adapter.Sockets(_options.Except);
        var result = new HashSet<string>(ids, StringComparer.Ordinal);
        result.ExceptWith(excluded);
        return result;
    }

    /// <summary>The targeted sockets of this node.</summary>
    public IReadOnlyList<Socket> Sockets()
    {
        var result = new List<Socket>();
        foreach (var id in SocketIds())
        {
            if (_namespace.TryGetSocket(id, out var socket))
                result.Add(socket);
        }
        return result;
    }

    /// <summary>
    /// The targeted sockets, of every server node with a multi-node adapter (Node's <c>fetchSockets</c>): snapshots
    /// whose operations go through the adapter.
    /// </summary>
    /// <example>
    /// <code>
    /// var sockets = await io.Of("/").In("room1").FetchSocketsAsync();
    /// foreach (var socket in sockets) Console.WriteLine($"{socket.Id} in {string.Join(",", socket.Rooms)}");
    /// </code>
    /// </example>
    public Task<IReadOnlyList<RemoteSocket>> FetchSocketsAsync() => _namespace.Adapter.FetchSocketsAsync(_options);

    /// <summary>Makes the targeted sockets join <paramref name="room"/> (through the adapter: on every node).</summary>
    public void SocketsJoin(string room)
    {
        ArgumentNullException.ThrowIfNull(room);
        _namespace.Adapter.AddSockets(_options, [room]);
    }

    /// <summary>Makes the targeted sockets join every room of <paramref name="rooms"/> (through the adapter).</summary>
    public void SocketsJoin(IEnumerable<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        _namespace.Adapter.AddSockets(_options, [.. rooms]);
    }

    /// <summary>Makes the targeted sockets leave <paramref name="room"/> (through the adapter: on every node).</summary>
    public void SocketsLeave(string room)
    {
        ArgumentNullException.ThrowIfNull(room);
        _namespace.Adapter.DeleteSockets(_options, [room]);
    }

    /// <summary>Makes the targeted sockets leave every room of <paramref name="rooms"/> (through the adapter).</summary>
    public void SocketsLeave(IEnumerable<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        _namespace.Adapter.DeleteSockets(_options, [.. rooms]);
    }

    /// <summary>
    /// Disconnects the targeted sockets (and closes their connections when <paramref name="close"/>), through the
    /// adapter: on every node.
    /// </summary>
    public void DisconnectSockets(bool close = false) => _namespace.Adapter.DisconnectSockets(_options, close);

    private BroadcastOperator With(BroadcastOptions options) => new(_namespace, options);
}
