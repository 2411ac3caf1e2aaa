using Microsoft.Net.Http.Headers;
using Verification.Api.Infrastructure.Http;

namespace Verification.Api.Infrastructure.Http;

/// <summary>Claim versions as RFC 9110 entity tags, and If-Match read back into a version.</summary>
public static class ETags
{
    public static string For(long version) => $"\"{version}\"";

    /// <summary>
    /// Reads If-Match. Missing or "*" is null (the caller did not say what they read: 428). A tag that is not one
    /// of ours can never match, so it becomes a version no claim has (412).
    /// </summary>
    public static long? ParseIfMatch(HttpRequest request)
    {
        var raw = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(raw) || raw.Trim() == "*")
            return null;
        if (!EntityTagHeaderValue.TryParseList([raw], out var tags) || tags.Count == 0)
            return -1;
        foreach (var tag in tags)
        {
            if (!tag.IsWeak && long.TryParse(tag.Tag.AsSpan(1, tag.Tag.Length - 2), out var version))
                return version;
        }
        return -1;
    }
}
