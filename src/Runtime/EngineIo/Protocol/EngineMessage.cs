using System.Text;

namespace TypedIo.EngineIo;

/// <summary>
/// One incoming Engine.IO message. <see cref="Data"/> is the UTF-8 text (without the type digit) or the binary
/// data; it is only valid until the handler's returned task completes: copy what must outlive it.
/// </summary>
public readonly struct EngineMessage
{
    /// <summary>Creates a message.</summary>
    public EngineMessage(ReadOnlyMemory<byte> data, bool isBinary)
    {
        Data = data;
        IsBinary = isBinary;
    }

    /// <summary>UTF-8 text or binary data.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Whether the message is binary.</summary>
    public bool IsBinary { get; }

    /// <summary>The text of a text message.</summary>
    public string GetText() => IsBinary
        ? throw new InvalidOperationException("A binary message has no text.")
        : Encoding.UTF8.GetString(Data.Span);
}
