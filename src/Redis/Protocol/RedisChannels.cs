namespace TypedIo.Redis.Protocol;

/// <summary>The channel names of one namespace, as Node's Redis adapter and emitter build them.</summary>
internal sealed class RedisChannels
{
    public RedisChannels(string prefix, string nsp, string uid)
    {
        Broadcast = prefix + "#" + nsp + "#";
        Request = prefix + "-request#" + nsp + "#";
        Response = prefix + "-response#" + nsp + "#";
        SpecificResponse = Response + uid + "#";
        AllPattern = Glob.Escape(prefix) + "*#" + Glob.Escape(nsp) + "#*";
    }

    /// <summary>
    /// <c>socket.io*#/#*</c>: a glob matching every channel above (and a few others, which the adapter ignores by their
    /// exact name), so that one ordered subscription receives them all.
    /// </summary>
    public string AllPattern { get; }

    /// <summary><c>socket.io#/#</c>: broadcasts; <c>socket.io#/#room#</c> for a broadcast to exactly one room.</summary>
    public string Broadcast { get; }

    /// <summary><c>socket.io-request#/#</c>.</summary>
    public string Request { get; }

    /// <summary><c>socket.io-response#/#</c>.</summary>
    public string Response { get; }

    /// <summary><c>socket.io-response#/#UID#</c>.</summary>
    public string SpecificResponse { get; }

    /// <summary>The channel of a broadcast to <paramref name="rooms"/>: the room's own when there is exactly one.</summary>
    public string BroadcastTo(IReadOnlyCollection<string> rooms)
    {
        if (rooms.Count != 1)
            return Broadcast;
        foreach (var room in rooms)
            return Broadcast + room + "#";
        return Broadcast;
    }

    /// <summary>The response channel of requester <paramref name="uid"/>.</summary>
    public string ResponseOf(string uid) => Response + uid + "#";
}
