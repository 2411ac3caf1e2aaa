using Microsoft.AspNetCore.Http.Features;

namespace Verification.Api.Infrastructure.Http;

/// <summary>
/// JSON bodies are small; only the upload routes (evidence files, imports) take large bodies, and they raise the
/// limit for themselves. A declared Content-Length over the limit is refused before a byte is read.
/// </summary>
public sealed class RequestLimits(RequestDelegate next)
{
    public const long MaxJsonBodyBytes = 1024 * 1024;

    public Task InvokeAsync(HttpContext context)
    {
        // Only a multipart body on an upload route is large. JSON sent to that route (a link, a testimony) keeps the
        // JSON limit, also when it comes chunked without a Content-Length: Kestrel then stops it at the limit.
        var isUpload = context.Request.HasFormContentType && context.GetEndpoint()?.Metadata.GetMetadata<LargeBodyMetadata>() is not null;
        if (!isUpload && context.Request.ContentLength > MaxJsonBodyBytes)
            throw new PayloadTooLarge(MaxJsonBodyBytes);
        if (isUpload && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = null; // the upload route counts the bytes itself against its own limit
        return next(context);
    }
}

/// <summary>Marks a route that streams a large body and enforces its own size limit.</summary>
public sealed class LargeBodyMetadata;

public static class SecurityHeaders
{
    // The values are made once; setting a header then copies a reference, nothing per request.
    private static readonly Microsoft.Extensions.Primitives.StringValues NoSniff = "nosniff";
    private static readonly Microsoft.Extensions.Primitives.StringValues Deny = "DENY";
    private static readonly Microsoft.Extensions.Primitives.StringValues NoReferrer = "no-referrer";
    private static readonly Microsoft.Extensions.Primitives.StringValues SameOrigin = "same-origin";
    // The Hangfire dashboard loads its own scripts, styles and fonts and sets inline style attributes; it has no inline script.
    private static readonly Microsoft.Extensions.Primitives.StringValues DashboardPolicy =
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    // The console: its own script and style files only, no inline script or style, forms post only to itself.
    private static readonly Microsoft.Extensions.Primitives.StringValues ConsolePolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'";
    private static readonly Microsoft.Extensions.Primitives.StringValues ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    /// <summary>Headers that cost nothing and close whole classes of browser attacks on the docs page and the API.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        // The (context, next) overload with a RequestDelegate: no closure per request.
        app.Use(static (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = NoSniff;
            headers.XFrameOptions = Deny;
            headers["Referrer-Policy"] = NoReferrer;
            headers["Cross-Origin-Resource-Policy"] = SameOrigin;
            var path = context.Request.Path;
            if (path.StartsWithSegments("/jobs"))
                headers.ContentSecurityPolicy = DashboardPolicy;
            else if (path.StartsWithSegments("/app"))
                headers.ContentSecurityPolicy = ConsolePolicy;
            else if (!path.StartsWithSegments("/docs"))
                headers.ContentSecurityPolicy = ApiPolicy;
            return next(context);
        });
}

public static class RateLimitProblems
{
    public static async ValueTask WriteAsync(Microsoft.AspNetCore.RateLimiting.OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(60);
        http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = 429, Title = "Too many requests", Detail = "Slow down; try again after the time in Retry-After." },
        });
    }
}
