using System.Diagnostics;

namespace Verification.Api.Infrastructure.Http;

/// <summary>
/// One structured log line per request, under a correlation id that the caller may send (X-Correlation-Id) and
/// always gets back. It logs the route pattern, never the path values, query, headers or body: no token, key,
/// password or witness identity can reach the logs through it.
/// <para>
/// Cheap on purpose, since it runs on every request: one object per request is the log scope, the state of the
/// completion callback and the line's values at once; the line is source-generated (<see cref="LoggerMessageAttribute"/>)
/// and nothing is formatted unless a logger writes it. Successful probes (<c>/health/*</c>, <c>/metrics</c>) are
/// logged at Debug: a load balancer asks every few seconds, and those lines would bury the requests people make.
/// A failed probe is logged at Information like any other request.
/// </para>
/// </summary>
public sealed partial class CorrelationMiddleware(RequestDelegate next, ILogger<CorrelationMiddleware> logger)
{
    private const string Header = "X-Correlation-Id";

    public Task InvokeAsync(HttpContext context)
    {
        var supplied = context.Request.Headers[Header];
        var correlationId = supplied.Count == 1 && IsSafe(supplied[0]) ? supplied[0]!
            : Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        context.Response.Headers[Header] = correlationId;
        // The route is read when the line is written: routing runs after this middleware (Program.cs), and the
        // exception handler clears the endpoint on a failure (ReachedEndpoint finds it again).
        var request = new RequestLine(logger, context, correlationId, Stopwatch.GetTimestamp());
        // Once the response is complete: a failure's status is set by the exception handler outside this middleware.
        context.Response.OnCompleted(RequestLine.WriteAsync, request);
        return WithScopeAsync(context, request);
    }

    // Every line written during the request (the handler's, EF Core's warnings) carries the correlation id.
    private async Task WithScopeAsync(HttpContext context, RequestLine request)
    {
        using (logger.BeginScope(request))
            await next(context);
    }

    private static bool IsSafe(string? value)
    {
        if (value is not { Length: > 0 and <= 64 })
            return false;
        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_'))
                return false;
        }
        return true;
    }

    private static bool IsProbe(string route) =>
        route.StartsWith("/health/", StringComparison.Ordinal) || route == "/metrics";

    [LoggerMessage(Message = "{Method} {Route} answered {Status} in {ElapsedMs:0.0} ms")]
    private static partial void LogRequest(ILogger logger, LogLevel level, string method, string route, int status, double elapsedMs);

    /// <summary>The request's line, and its log scope: reads as "CorrelationId:…" in a text line, a key-value pair in JSON.</summary>
    private sealed class RequestLine(ILogger logger, HttpContext context, string correlationId, long started)
        : IReadOnlyList<KeyValuePair<string, object>>
    {
        public static readonly Func<object, Task> WriteAsync = static state =>
        {
            ((RequestLine)state).Write();
            return Task.CompletedTask;
        };

        public int Count => 1;

        public KeyValuePair<string, object> this[int index] =>
            index == 0 ? new("CorrelationId", correlationId) : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<KeyValuePair<string, object>> GetEnumerator() { yield return this[0]; }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => "CorrelationId:" + correlationId;

        private void Write()
        {
            var status = context.Response.StatusCode;
            var route = ReachedEndpoint.RouteOf(context);
            var level = status < 400 && IsProbe(route) ? LogLevel.Debug : LogLevel.Information;
            if (!logger.IsEnabled(level))
                return;
            using (logger.BeginScope(this))
                LogRequest(logger, level, context.Request.Method, route, status, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }
}
