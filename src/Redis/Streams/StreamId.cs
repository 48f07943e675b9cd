using System.Globalization;

namespace TypedIo.Redis.Streams;

/// <summary>A Redis stream entry id <c>MS-SEQ</c>: parsing, order, and the id right after one (XRANGE's exclusive start, as Node computes it).</summary>
internal readonly record struct StreamId(ulong Milliseconds, ulong Sequence) : IComparable<StreamId>
{
    public static bool TryParse(string? text, out StreamId id)
    {
        id = default;
        var dash = text?.IndexOf('-') ?? -1;
        if (dash <= 0 || dash == text!.Length - 1)
            return false;
        if (!ulong.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            || !ulong.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
            return false;
        id = new StreamId(ms, seq);
        return true;
    }

    public static StreamId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"'{text}' is not a stream id.");

    /// <summary>The smallest id after this one.</summary>
    public StreamId Next => Sequence == ulong.MaxValue ? new StreamId(Milliseconds + 1, 0) : new StreamId(Milliseconds, Sequence + 1);

    public int CompareTo(StreamId other)
    {
        var ms = Milliseconds.CompareTo(other.Milliseconds);
        return ms != 0 ? ms : Sequence.CompareTo(other.Sequence);
    }

    public static bool operator <(StreamId left, StreamId right) => left.CompareTo(right) < 0;

    public static bool operator >(StreamId left, StreamId right) => left.CompareTo(right) > 0;

    public static bool operator <=(StreamId left, StreamId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(StreamId left, StreamId right) => left.CompareTo(right) >= 0;

    public override string ToString() =>
        Milliseconds.ToString(CultureInfo.InvariantCulture) + "-" + Sequence.ToString(CultureInfo.InvariantCulture);
}
