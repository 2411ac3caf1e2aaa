using System.Diagnostics;

namespace Verification.Api.Infrastructure.Http;

/// <summary>
/// One structured log line per request, under a correlation id that the caller may send (X-Correlation-Id) and
/// always gets back. It logs the route pattern, never the path values, query, headers or body: no token, key,
/// password or witness identity can reach the logs through it.
/// </summary>
public sealed partial class CorrelationMiddleware(RequestDelegate next, ILogger<CorrelationMiddleware> logger)
{
    private const string Header = "X-Correlation-Id";

    public async Task InvokeAsync(HttpContext context)
    {
        var supplied = context.Request.Headers[Header].ToString();
        var correlationId = supplied.Length is > 0 and <= 64 && supplied.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? supplied
            : Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        context.Response.Headers[Header] = correlationId;
        var started = Stopwatch.GetTimestamp();
        // Routing has already run (the host adds it first); the exception handler clears the endpoint on a failure.
        var route = ReachedEndpoint.RouteOf(context);
        var scope = new Operations.CorrelationScope(correlationId);
        // Once the response is complete: a failure's status is set by the exception handler outside this middleware.
        context.Response.OnCompleted(() =>
        {
            using (logger.BeginScope(scope))
                LogRequest(logger, context.Request.Method, route, context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return Task.CompletedTask;
        });
        using (logger.BeginScope(scope))
            await next(context);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Route} answered {Status} in {ElapsedMs:0.0} ms")]
    private static partial void LogRequest(ILogger logger, string method, string route, int status, double elapsedMs);
}
