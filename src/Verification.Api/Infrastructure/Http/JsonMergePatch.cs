using System.Text.Json.Nodes;

namespace Verification.Api.Infrastructure.Http;

/// <summary>JSON Merge Patch (RFC 7396): the media type a partial edit is sent in, and its one algorithm.</summary>
public static class JsonMergePatch
{
    public const string MediaType = "application/merge-patch+json";

    /// <summary>
    /// RFC 7396 §2: an object patch merges member by member (a null member removes it), anything else replaces the
    /// target whole. Arrays are replaced, never merged. The target is changed in place and returned.
    /// </summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject members)
            return patch?.DeepClone();
        var result = target as JsonObject ?? [];
        foreach (var (name, value) in members)
        {
            if (value is null)
                result.Remove(name);
            else
                result[name] = Apply(result[name], value);
        }
        return result;
    }

    public static bool IsMergePatch(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var type)
        && type.MediaType.Equals(MediaType, StringComparison.OrdinalIgnoreCase);
}
