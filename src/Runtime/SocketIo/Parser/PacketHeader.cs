using System.Text;

namespace TypedIo.SocketIo;

/// <summary>
/// The part of a text packet before its JSON: type digit, attachment count and <c>-</c> (binary types),
/// namespace up to <c>,</c>, ack id digits.
/// </summary>
internal readonly record struct PacketHeader(SocketPacketType Type, int AttachmentCount, string Namespace, long? Id, int PayloadOffset)
{
    /// <summary>The largest ack id accepted: JavaScript's <c>Number.MAX_SAFE_INTEGER</c>.</summary>
    public const long MaxAckId = 9007199254740991;

    public const string DefaultNamespace = "/";

    /// <summary>Reads the header of <paramref name="text"/> (valid UTF-8, without the Engine.IO type digit).</summary>
    public static bool TryRead(ReadOnlySpan<byte> text, int maxAttachments, out PacketHeader header, out string? error)
    {
        header = default;
        if (text.IsEmpty)
        {
            error = "empty packet";
            return false;
        }

        if (text[0] is < (byte)'0' or > (byte)'6')
        {
            error = "unknown packet type";
            return false;
        }

        var type = (SocketPacketType)(text[0] - '0');
        var position = 1;
        var attachmentCount = 0;
        if (type is SocketPacketType.BinaryEvent or SocketPacketType.BinaryAck
            && !TryReadAttachmentCount(text, maxAttachments, ref position, out attachmentCount, out error))
        {
            return false;
        }

        var nsp = DefaultNamespace;
        if (position < text.Length && text[position] == (byte)'/')
        {
            var length = text[position..].IndexOf((byte)',');
            var end = length < 0 ? text.Length : position + length;
            nsp = end - position == 1 ? DefaultNamespace : Encoding.UTF8.GetString(text[position..end]);
            position = length < 0 ? end : end + 1;
        }

        long? id = null;
        if (position < text.Length && IsDigit(text[position]))
        {
            if (!TryReadAckId(text, ref position, out var ackId))
            {
                error = "ack id out of range";
                return false;
            }
            id = ackId;
        }

        // Every valid payload is an array, an object or a string; anything else after the id (".5", "e3",
        // whitespace) would let a non-integer id or a stray scalar slip through.
        if (position < text.Length && text[position] is not ((byte)'[' or (byte)'{' or (byte)'"'))
        {
            error = id is null ? "invalid payload" : "invalid ack id";
            return false;
        }

        header = new PacketHeader(type, attachmentCount, nsp, id, position);
        error = null;
        return true;
    }

    private static bool TryReadAttachmentCount(
        ReadOnlySpan<byte> text, int maxAttachments, ref int position, out int count, out string? error)
    {
        count = 0;
        var start = position;
        while (position < text.Length && IsDigit(text[position]))
        {
            count = count * 10 + (text[position] - '0');
            if (count > maxAttachments)
            {
                error = "too many attachments";
                return false;
            }
            position++;
        }

        if (position == start || position == text.Length || text[position] != (byte)'-')
        {
            error = "illegal attachments";
            return false;
        }

        position++;
        error = null;
        return true;
    }

    private static bool TryReadAckId(ReadOnlySpan<byte> text, ref int position, out long id)
    {
        id = 0;
        while (position < text.Length && IsDigit(text[position]))
        {
            var digit = text[position] - '0';
            if (id > (MaxAckId - digit) / 10)
                return false;
            id = id * 10 + digit;
            position++;
        }
        return true;
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';
}
