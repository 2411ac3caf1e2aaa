using Microsoft.Net.Http.Headers;

namespace Verification.Api.Infrastructure.Http;

/// <summary>
/// One stored document sent as it is: no deserializing, no serializing. With its version as the ETag (the same tag the
/// assembled answer carried), a request whose <c>If-None-Match</c> names it is answered <c>304</c> without the body.
/// <paramref name="known"/>: the handler already found the version named in <c>If-None-Match</c>
/// (<see cref="NoneMatch.KnownVersion"/>) and read no bytes.
/// </summary>
public sealed class StoredJsonResult(ReadOnlyMemory<byte> body, long? version, bool known = false) : IResult
{
    public const string ContentType = "application/json; charset=utf-8";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        if (version is { } v)
        {
            var tag = ETags.For(v);
            response.Headers.ETag = tag;
            if (known || NoneMatch.Matches(httpContext.Request, tag))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.ContentLength = body.Length;
        await response.BodyWriter.WriteAsync(body, httpContext.RequestAborted);
    }
}

/// <summary>
/// A list page of stored documents, its body composed beforehand (<see cref="StoredPageBody"/>) and written with one
/// call; the body's buffer goes back to the pool once written.
/// </summary>
public sealed class StoredPageResult(StoredPageBody page) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        using (page)
        {
            var body = page.Body;
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = StoredJsonResult.ContentType;
            response.ContentLength = body.Length;
            await response.BodyWriter.WriteAsync(body, httpContext.RequestAborted);
        }
    }
}

/// <summary>RFC 9110 §13.1.2: If-None-Match with weak comparison; <c>*</c> matches any current representation.</summary>
public static class NoneMatch
{
    /// <summary>
    /// The claim version that <c>If-None-Match</c> names when it is one of our tags alone (<c>"7"</c> or <c>W/"7"</c>), so
    /// that a read can compare versions before it reads any bytes; otherwise null (no header, <c>*</c>, a list, a tag not
    /// ours), and the full comparison of <see cref="Matches"/> decides after the read. A version returned here weakly
    /// matches <see cref="ETags.For"/> of itself, and of no other version.
    /// </summary>
    public static long? KnownVersion(HttpRequest request)
    {
        var raw = request.Headers.IfNoneMatch;
        if (raw.Count != 1 || raw[0] is not { } value)
            return null;
        var tag = value.AsSpan().Trim();
        if (tag.StartsWith("W/", StringComparison.Ordinal))
            tag = tag[2..];
        if (tag.Length < 3 || tag[0] != '"' || tag[^1] != '"')
            return null;
        var digits = tag[1..^1];
        // ETags.For writes the plain decimal number: "07" is not one of our tags.
        if (digits.Length > 1 && digits[0] == '0')
            return null;
        return long.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? version
            : null;
    }

    public static bool Matches(HttpRequest request, string tag)
    {
        var raw = request.Headers.IfNoneMatch;
        if (raw.Count == 0)
            return false;
        if (!EntityTagHeaderValue.TryParseList(raw, out var tags))
            return false;
        var current = new EntityTagHeaderValue(tag);
        foreach (var candidate in tags)
        {
            if (candidate.Equals(EntityTagHeaderValue.Any) || candidate.Compare(current, useStrongComparison: false))
                return true;
        }
        return false;
    }
}
