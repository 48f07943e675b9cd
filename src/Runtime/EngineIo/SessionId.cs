using System.Buffers.Text;
using System.Security.Cryptography;

namespace TypedIo.EngineIo;

/// <summary>Session ids: 120 bits from a cryptographically secure generator, as 20 URL-safe base64 characters.</summary>
internal static class SessionId
{
    public static string Create()
    {
        Span<byte> bytes = stackalloc byte[15];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }
}
