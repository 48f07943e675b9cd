using System.Security.Cryptography;

namespace TypedIo.Redis.Protocol;

/// <summary>Random ids like Node's <c>uid2(6)</c>: node uids and request ids.</summary>
internal static class Uid
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string New(int length = 6) => RandomNumberGenerator.GetString(Alphabet, length);
}
