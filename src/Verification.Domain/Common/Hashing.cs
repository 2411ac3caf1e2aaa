using System.Security.Cryptography;
using System.Text;

namespace Verification.Domain.Common;

public static class Hashing
{
    /// <summary>The lowercase hex SHA-256 of the text's UTF-8 bytes.</summary>
    public static string Sha256Hex(string text) => Sha256Hex(Encoding.UTF8.GetBytes(text));

    /// <summary>The lowercase hex SHA-256 of the bytes.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
