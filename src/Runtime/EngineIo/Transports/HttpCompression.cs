using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Headers;

namespace TypedIo.EngineIo;

/// <summary>Compression of long-polling responses, as Node's <c>httpCompression</c> (gzip preferred, then deflate).</summary>
internal static class HttpCompression
{
    public const string Gzip = "gzip";
    public const string Deflate = "deflate";

    /// <summary>The encoding to use, or null to send the payload as it is.</summary>
    public static string? ChooseEncoding(HttpRequest request, ReadOnlySpan<EngineFrame> frames, int length, int? threshold)
    {
        if (threshold is not { } minimum || length < minimum || !AnyAllowsCompression(frames))
            return null;
        if (!request.Headers.ContainsKey("Accept-Encoding"))
            return null;

        var accepted = new RequestHeaders(request.Headers).AcceptEncoding;
        var deflate = false;
        foreach (var value in accepted)
        {
            if (value.Quality is <= 0)
                continue;
            if (value.Value.Equals(Gzip, StringComparison.OrdinalIgnoreCase))
                return Gzip;
            deflate |= value.Value.Equals(Deflate, StringComparison.OrdinalIgnoreCase);
        }
        return deflate ? Deflate : null;
    }

    /// <summary>Compresses <paramref name="payload"/>; deflate is the zlib format, as browsers and Node expect it.</summary>
    public static ReadOnlyMemory<byte> Compress(ReadOnlySpan<byte> payload, string encoding)
    {
        var output = new MemoryStream(payload.Length / 2 + 64);
        using (Stream compressor = encoding == Gzip
            ? new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)
            : new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            compressor.Write(payload);
        }
        return output.GetBuffer().AsMemory(0, (int)output.Length);
    }

    private static bool AnyAllowsCompression(ReadOnlySpan<EngineFrame> frames)
    {
        foreach (var frame in frames)
        {
            if (frame.Compress)
                return true;
        }
        return false;
    }
}
