namespace TypedIo.SocketIo;

/// <summary>Limits that <see cref="JsonPacketParser"/> enforces on incoming packets.</summary>
public sealed class JsonPacketParserOptions
{
    private int _maxDepth = 64;
    private int _maxAttachments = 10;

    /// <summary>
    /// The deepest JSON nesting an incoming payload may have (default 64, System.Text.Json's own default; at most
    /// 1000). Deeper payloads are a parse error.
    /// </summary>
    public int MaxDepth
    {
        get => _maxDepth;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1000);
            _maxDepth = value;
        }
    }

    /// <summary>
    /// The most binary attachments one incoming packet may announce (default 10, like Node's socket.io-parser).
    /// A packet announcing more is a parse error before any attachment is buffered.
    /// </summary>
    public int MaxAttachments
    {
        get => _maxAttachments;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _maxAttachments = value;
        }
    }
}
