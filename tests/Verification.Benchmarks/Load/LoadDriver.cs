using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Verification.Benchmarks.Load;

/// <summary>
/// A small HTTP load driver of our own, for where wrk cannot go: a fixed number of connections each sending one
/// request after another (closed loop, like wrk), or a constant request rate whatever the answers (open loop), where
/// each latency counts from the moment the request was due, not from when it was sent, so a stalled server cannot
/// hide its stalls (no coordinated omission). Every run is bounded in time and in requests.
/// </summary>
public static class LoadDriver
{
    public static async Task<LoadResult> ClosedLoopAsync(Uri baseAddress, LoadRequest request, int connections, TimeSpan duration, long maxRequests)
    {
        using var client = Client(baseAddress, connections);
        var latencies = new long[(int)Math.Min(maxRequests, 20_000_000)];
        long issued = 0, completed = 0, errors = 0;
        var stopwatch = Stopwatch.StartNew();
        var end = duration.Ticks;

        async Task Connection(int seed)
        {
            var random = new Random(seed);
            while (stopwatch.Elapsed.Ticks < end)
            {
                var slot = Interlocked.Increment(ref issued) - 1;
                if (slot >= latencies.Length)
                    return;
                var started = Stopwatch.GetTimestamp();
                var ok = await SendAsync(client, request, random);
                latencies[slot] = Stopwatch.GetTimestamp() - started;
                Interlocked.Increment(ref completed);
                if (!ok)
                    Interlocked.Increment(ref errors);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, connections).Select(i => Task.Run(() => Connection(i + 1))));
        var seconds = stopwatch.Elapsed.TotalSeconds;
        return Summarise("driver", connections, seconds, latencies, (int)Math.Min(completed, latencies.Length), errors);
    }

    /// <summary>
    /// <paramref name="rate"/> requests per second for <paramref name="duration"/>, on up to
    /// <paramref name="maxOutstanding"/> connections; a request that finds them all busy waits, and its wait counts.
    /// </summary>
    public static async Task<LoadResult> ConstantRateAsync(Uri baseAddress, LoadRequest request, double rate, TimeSpan duration, int maxOutstanding)
    {
        using var client = Client(baseAddress, maxOutstanding);
        var total = (int)Math.Max(1, Math.Round(rate * duration.TotalSeconds));
        var latencies = new long[total];
        long completed = 0, errors = 0;
        using var slots = new SemaphoreSlim(maxOutstanding);
        var tasks = new List<Task>(total);
        var random = new Random(7);
        var started = Stopwatch.GetTimestamp();
        var ticksPerRequest = Stopwatch.Frequency / rate;

        async Task One(int index, long due, Random r)
        {
            await slots.WaitAsync();
            try
            {
                var ok = await SendAsync(client, request, r);
                latencies[index] = Stopwatch.GetTimestamp() - due;
                Interlocked.Increment(ref completed);
                if (!ok)
                    Interlocked.Increment(ref errors);
            }
            finally
            {
                slots.Release();
            }
        }

        for (var i = 0; i < total; i++)
        {
            var due = started + (long)(i * ticksPerRequest);
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > Stopwatch.Frequency / 1000)
                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
            tasks.Add(One(i, due, new Random(random.Next())));
        }
        using var deadline = new CancellationTokenSource(duration + TimeSpan.FromSeconds(60));
        await Task.WhenAll(tasks).WaitAsync(deadline.Token);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return Summarise("driver, constant rate", maxOutstanding, seconds, latencies, (int)completed, errors);
    }

    private static async Task<bool> SendAsync(HttpMessageInvoker client, LoadRequest request, Random random)
    {
        // "path<TAB>etag" (the conditional read): the request also sends If-None-Match with that value.
        var line = request.Paths[random.Next(request.Paths.Count)];
        var tab = line.IndexOf('\t', StringComparison.Ordinal);
        using var message = new HttpRequestMessage(request.Method, tab < 0 ? line : line[..tab]);
        if (tab >= 0)
            message.Headers.TryAddWithoutValidation("If-None-Match", line[(tab + 1)..]);
        if (request.Authorization is not null)
            message.Headers.TryAddWithoutValidation("Authorization", request.Authorization);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        try
        {
            using var response = await client.SendAsync(message, CancellationToken.None);
            await response.Content.CopyToAsync(Stream.Null);
            return (int)response.StatusCode is (>= 200 and < 300) or 304;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return false;
        }
    }

    private static HttpClient Client(Uri baseAddress, int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };

    private static LoadResult Summarise(string tool, int connections, double seconds, long[] latencies, int count, long errors)
    {
        var sample = latencies.AsSpan(0, count).ToArray();
        Array.Sort(sample);
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        double Percentile(double p) => sample.Length == 0 ? 0 : Ms(sample[Math.Min(sample.Length - 1, (int)Math.Ceiling(p / 100 * sample.Length) - 1)]);
        var mean = sample.Length == 0 ? 0 : Ms((long)sample.Average());
        return new LoadResult(tool, connections, seconds, count, errors, Percentile(50), Percentile(99), mean, sample.Length == 0 ? 0 : Ms(sample[^1]));
    }
}
