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
    /// Each latency runs from when the request was due, or from when it was sent if the driver sent it early (so the
    /// driver's timer slack never shortens a latency). Besides the distribution it keeps where each request's time
    /// went (the driver's lateness in sending it, the wait for a free connection, the answer) and a timeline of
    /// 100 ms windows, and it watches its own process for scheduling stalls (a thread that sleeps 1 ms and notes how
    /// late it wakes), so that a tail can be told apart: a few long stalls or a steady queue, the server or the driver.
    /// </summary>
    /// <remarks>
    /// The first <paramref name="warmup"/> runs at the same rate on the same connections and is not counted: a fresh
    /// client has no connection open, and its first few hundred requests would each open one (a TCP handshake and a
    /// new server connection apiece), a burst that measures connection set-up, not the steady state the figure is
    /// about. The closed-loop peak the rate comes from has its warm-up too.
    /// </remarks>
    public static async Task<ConstantRateRun> ConstantRateAsync(Uri baseAddress, LoadRequest request, double rate, TimeSpan duration, int maxOutstanding, TimeSpan warmup, Action? measuring = null, Action<long>? measured = null)
    {
        using var client = Client(baseAddress, maxOutstanding);
        if (warmup > TimeSpan.Zero)
            await OpenLoopAsync(client, request, rate, warmup, maxOutstanding);
        measuring?.Invoke();
        return await OpenLoopAsync(client, request, rate, duration, maxOutstanding, measured);
    }

    private static async Task<ConstantRateRun> OpenLoopAsync(HttpMessageInvoker client, LoadRequest request, double rate, TimeSpan duration, int maxOutstanding, Action<long>? measured = null)
    {
        var total = (int)Math.Max(1, Math.Round(rate * duration.TotalSeconds));
        var due = new long[total];
        var dispatched = new long[total];
        var sent = new long[total];
        var done = new long[total];
        var inFlightAtSend = new int[total];
        long completed = 0, errors = 0, inFlight = 0;
        using var slots = new SemaphoreSlim(maxOutstanding);
        var tasks = new List<Task>(total);
        var random = new Random(7);
        var ticksPerRequest = Stopwatch.Frequency / rate;
        using var watch = new StallWatch();
        var started = Stopwatch.GetTimestamp();

        async Task One(int index, Random r)
        {
            await slots.WaitAsync();
            try
            {
                sent[index] = Stopwatch.GetTimestamp();
                inFlightAtSend[index] = (int)Interlocked.Increment(ref inFlight);
                var ok = await SendAsync(client, request, r);
                done[index] = Stopwatch.GetTimestamp();
                Interlocked.Decrement(ref inFlight);
                Interlocked.Increment(ref completed);
                if (!ok)
                    Interlocked.Increment(ref errors);
            }
            finally
            {
                slots.Release();
            }
        }

        // The schedule runs on a thread of its own that sleeps with Thread.Sleep, not on the thread pool with Task.Delay:
        // a Task.Delay of 1–2 ms woke about 1 ms past its due (the timer's granularity, then a hop to a pool thread), so
        // half the requests were sent over 1 ms late and that lateness, counted in their latency, was most of a quiet
        // phase's p50 (fifth round). A request due within the next millisecond is sent at once (early; its latency then
        // counts from the send), so a sleep's overshoot rarely makes one late.
        Task Schedule()
        {
            var early = Stopwatch.Frequency / 1000;
            for (var i = 0; i < total; i++)
            {
                due[i] = started + (long)(i * ticksPerRequest);
                long wait;
                while ((wait = due[i] - Stopwatch.GetTimestamp()) > early)
                    Thread.Sleep(Math.Max(1, (int)(wait * 1000 / Stopwatch.Frequency) - 1));
                dispatched[i] = Stopwatch.GetTimestamp();
                tasks.Add(One(i, new Random(random.Next())));
            }
            return Task.WhenAll(tasks);
        }

        var all = await Task.Factory.StartNew(Schedule, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        using var deadline = new CancellationTokenSource(duration + TimeSpan.FromSeconds(60));
        await all.WaitAsync(deadline.Token);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        measured?.Invoke(completed);
        var stalls = watch.Stop();

        var latencies = new long[total];
        for (var i = 0; i < total; i++)
            latencies[i] = done[i] - Math.Min(due[i], dispatched[i]);
        var result = Summarise("driver, constant rate", maxOutstanding, seconds, latencies, (int)completed, errors);
        return new ConstantRateRun(result, ConstantRateRun.Analyse(result, started, due, dispatched, sent, done, inFlightAtSend, stalls));
    }

    /// <summary>
    /// A thread of the driver's own that sleeps 1 ms at a time and records each wake-up later than 4 ms past its due:
    /// the driver process was not scheduled (the machine, or the server's threads, held both cores).
    /// </summary>
    private sealed class StallWatch : IDisposable
    {
        private readonly Thread _thread;
        private readonly List<(long At, long Late)> _stalls = [];
        private volatile bool _stop;

        public StallWatch()
        {
            _thread = new Thread(Run) { IsBackground = true, Name = "stall watch", Priority = ThreadPriority.AboveNormal };
            _thread.Start();
        }

        private void Run()
        {
            var threshold = Stopwatch.Frequency * 4 / 1000;
            while (!_stop)
            {
                var before = Stopwatch.GetTimestamp();
                Thread.Sleep(1);
                var late = Stopwatch.GetTimestamp() - before - Stopwatch.Frequency / 1000;
                if (late > threshold)
                {
                    lock (_stalls)
                        _stalls.Add((before, late));
                }
            }
        }

        public IReadOnlyList<(long At, long Late)> Stop()
        {
            _stop = true;
            _thread.Join();
            lock (_stalls)
                return [.. _stalls];
        }

        public void Dispose() => _stop = true;
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
