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
/// <para>
/// Successful reads are sampled: a GET or HEAD answered below 400 within <c>Logging:RequestLines:SlowMs</c> (1,000) is
/// written for a fraction <c>Logging:RequestLines:SuccessfulReadSampleRate</c> of requests (0.1 by default, 1 writes
/// all). Writing every read's line was a third of the CPU of a claim read in the benchmark's profile (formatting, the
/// console queue's lock, its writer thread), and the line says nothing the metrics do not: they count and time every
/// request by route and status (<c>/metrics</c>). Every write, every refusal or failure and every slow request is
/// always written.
/// </para>
/// </summary>
public sealed partial class CorrelationMiddleware(RequestDelegate next, ILogger<CorrelationMiddleware> logger, IConfiguration configuration)
{
    private const string Header = "X-Correlation-Id";

    private readonly RequestLineRules rules = new(
        Math.Clamp(configuration.GetValue("Logging:RequestLines:SuccessfulReadSampleRate", 0.1), 0, 1),
        Math.Max(0, configuration.GetValue("Logging:RequestLines:SlowMs", 1000.0)));

    public Task InvokeAsync(HttpContext context)
    {
        var supplied = context.Request.Headers[Header];
        var correlationId = supplied.Count == 1 && IsSafe(supplied[0]) ? supplied[0]!
            : Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        context.Response.Headers[Header] = correlationId;
        // The route is read when the line is written: routing runs after this middleware (Program.cs), and the
        // exception handler clears the endpoint on a failure (ReachedEndpoint finds it again).
        var request = new RequestLine(logger, rules, context, correlationId, Stopwatch.GetTimestamp());
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

    /// <summary>Which request lines are written (see the class's remarks).</summary>
    private sealed record RequestLineRules(double SuccessfulReadSampleRate, double SlowMs)
    {
        public bool Writes(string method, int status, double elapsedMs) =>
            status >= 400 || elapsedMs >= SlowMs || !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
            || SuccessfulReadSampleRate >= 1 || (SuccessfulReadSampleRate > 0 && Random.Shared.NextDouble() < SuccessfulReadSampleRate);
    }

    /// <summary>The request's line, and its log scope: reads as "CorrelationId:…" in a text line, a key-value pair in JSON.</summary>
    private sealed class RequestLine(ILogger logger, RequestLineRules rules, HttpContext context, string correlationId, long started)
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
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var method = context.Request.Method;
            if (!rules.Writes(method, status, elapsedMs))
                return;
            using (logger.BeginScope(this))
                LogRequest(logger, level, method, route, status, elapsedMs);
        }
    }
}
