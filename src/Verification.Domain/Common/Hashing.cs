using System.Security.Cryptography;
using System.Text;

namespace Verification.Domain.Common;

public static class Hashing
{
    /// <summary>The lowercase hex SHA-256 of the text's UTF-8 bytes.</summary>
    public static string Sha256Hex(string text) => Sha256Hex(Encoding.UTF8.GetBytes(text));

    /// <summary>The lowercase hex SHA-256 of the bytes.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The lowercase hex SHA-256 of what is left to read in the stream.</summary>
    public static async Task<string> Sha256HexAsync(Stream stream, CancellationToken ct) =>
        Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
}
