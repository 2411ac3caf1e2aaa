namespace Verification.Benchmarks.Load;

/// <summary>What one bounded load run measured. Latencies in milliseconds; errors are non-2xx answers and failed requests.</summary>
public sealed record LoadResult(string Tool, int Connections, double Seconds, long Requests, long Errors, double P50Ms, double P99Ms, double MeanMs, double MaxMs)
{
    public double Throughput => Seconds > 0 ? Requests / Seconds : 0;

    public override string ToString() =>
        $"{Throughput:N0} req/s, p50 {P50Ms:N2} ms, p99 {P99Ms:N2} ms, mean {MeanMs:N2} ms ({Requests:N0} requests, {Errors:N0} errors, {Tool}, {Connections} connections)";
}

/// <summary>
/// One kind of request: a method, the paths to pick from at random, a JSON body, and the whole Authorization
/// header value ("Bearer …" for staff, "ApiKey …" for partners), or null for the floor.
/// </summary>
public sealed record LoadRequest(HttpMethod Method, IReadOnlyList<string> Paths, byte[]? Body, string? Authorization);
