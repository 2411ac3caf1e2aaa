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
    /// <summary>Headers that cost nothing and close whole classes of browser attacks on the docs page and the API.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Resource-Policy"] = "same-origin";
            if (context.Request.Path.StartsWithSegments("/jobs"))
                // The Hangfire dashboard loads its own scripts, styles and fonts and sets inline style attributes; it has no inline script.
                headers.ContentSecurityPolicy = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
                                                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            else if (context.Request.Path.StartsWithSegments("/app"))
                // The console: its own script and style files only, no inline script or style, forms post only to itself.
                headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
                                                "form-action 'self'; frame-ancestors 'none'; base-uri 'self'";
            else if (!context.Request.Path.StartsWithSegments("/docs"))
                headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
            await next(context);
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
