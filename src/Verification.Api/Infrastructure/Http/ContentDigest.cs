namespace Verification.Api.Infrastructure.Http;

/// <summary>Reads the sha-256 member of an RFC 9530 Content-Digest header (sha-256=:base64:).</summary>
public static class ContentDigest
{
    public static string? Sha256Hex(string header)
    {
        foreach (var member in header.Split(','))
        {
            var parts = member.Trim().Split('=', 2);
            if (parts.Length == 2 && parts[0].Trim().Equals("sha-256", StringComparison.OrdinalIgnoreCase))
            {
                var value = parts[1].Trim();
                if (value.Length < 2 || value[0] != ':' || value[^1] != ':')
                    return null;
                var bytes = new byte[32];
                return Convert.TryFromBase64String(value[1..^1], bytes, out var written) && written == 32
                    ? Convert.ToHexStringLower(bytes)
                    : null;
            }
        }
        return null;
    }
}
