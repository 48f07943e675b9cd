using System.Numerics;

namespace TypedIo.Benchmarks.LoadGenerator;

/// <summary>
/// A log-linear latency histogram in microseconds (HdrHistogram-like: 32 sub-buckets per power of two, so a
/// value is known to within ~3%). Thread-safe recording, no allocation per value.
/// </summary>
internal sealed class Histogram
{
    private const int SubBuckets = 32;
    private readonly long[] _counts = new long[64 + (64 * SubBuckets)];
    private long _total;
    private long _max;

    public long Count => Volatile.Read(ref _total);

    public void Record(long microseconds)
    {
        if (microseconds < 0)
            microseconds = 0;
        Interlocked.Increment(ref _counts[Index(microseconds)]);
        Interlocked.Increment(ref _total);
        var max = Volatile.Read(ref _max);
        while (microseconds > max)
        {
            var seen = Interlocked.CompareExchange(ref _max, microseconds, max);
            if (seen == max)
                break;
            max = seen;
        }
    }

    public void Reset()
    {
        Array.Clear(_counts);
        _total = 0;
        _max = 0;
    }

    private static int Index(long value)
    {
        if (value < 64)
            return (int)value;
        var msb = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var shift = msb - 5;
        return 64 + ((shift - 1) * SubBuckets) + (int)((value >> shift) - SubBuckets);
    }

    private static double Midpoint(int index)
    {
        if (index < 64)
            return index;
        var shift = ((index - 64) / SubBuckets) + 1;
        var sub = ((index - 64) % SubBuckets) + SubBuckets;
        var low = (long)sub << shift;
        var width = 1L << shift;
        return low + ((width - 1) / 2.0);
    }

    /// <summary>The value at <paramref name="percentile"/> (0-100), in microseconds.</summary>
    public double Percentile(double percentile)
    {
        var total = Count;
        if (total == 0)
            return double.NaN;
        var rank = (long)Math.Ceiling(percentile / 100.0 * total);
        if (rank < 1)
            rank = 1;
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
                return Math.Min(Midpoint(i), Volatile.Read(ref _max));
        }
        return Volatile.Read(ref _max);
    }
}
