using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Verification.Benchmarks.Load;

/// <summary>
/// One open-loop run of <see cref="LoadDriver.ConstantRateAsync"/>: the distribution, where the time of the slow
/// requests went, and a timeline in 100 ms windows (by when each request was due), as text for the log and as CSV.
/// </summary>
public sealed record ConstantRateRun(LoadResult Result, ConstantRateAnalysis Analysis)
{
    public const int WindowMs = 100;

    internal static ConstantRateAnalysis Analyse(LoadResult result, long started, long[] due, long[] dispatched, long[] sent, long[] done, int[] inFlightAtSend, IReadOnlyList<(long At, long Late)> stalls)
    {
        static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        var count = due.Length;
        var lateness = new double[count];
        var slotWait = new double[count];
        var answer = new double[count];
        var latency = new double[count];
        for (var i = 0; i < count; i++)
        {
            lateness[i] = Ms(Math.Max(0, dispatched[i] - due[i]));
            slotWait[i] = Ms(sent[i] - dispatched[i]);
            answer[i] = Ms(done[i] - sent[i]);
            latency[i] = Ms(done[i] - Math.Min(due[i], dispatched[i]));
        }

        // The slow requests: over 5 × p50 (the figure's bound), by window.
        var bound = 5 * result.P50Ms;
        var windowTicks = Stopwatch.Frequency * WindowMs / 1000;
        var windows = (int)((due[^1] - started) / windowTicks) + 1;
        var rows = new WindowRow[windows];
        for (var w = 0; w < windows; w++)
            rows[w] = new WindowRow(w * WindowMs);
        for (var i = 0; i < count; i++)
        {
            var row = rows[(int)((due[i] - started) / windowTicks)];
            row.Latencies.Add(latency[i]);
            row.MaxLateness = Math.Max(row.MaxLateness, lateness[i]);
            row.MaxSlotWait = Math.Max(row.MaxSlotWait, slotWait[i]);
            row.MaxAnswer = Math.Max(row.MaxAnswer, answer[i]);
            row.MaxInFlight = Math.Max(row.MaxInFlight, inFlightAtSend[i]);
            if (latency[i] > bound)
                row.Slow++;
        }
        foreach (var (at, late) in stalls)
        {
            var w = (int)((at - started) / windowTicks);
            if (w >= 0 && w < windows)
                rows[w].DriverStallMs += Ms(late);
        }
        var slow = rows.Sum(r => r.Slow);
        var slowWindows = rows.Count(r => r.Slow > 0);
        var slowWithDriverStall = rows.Where(r => r.DriverStallMs > 0).Sum(r => r.Slow);

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"    where the time went (ms, p50 / p99 / max): driver's lateness in sending {Three(lateness)}; wait for a free connection {Three(slotWait)}; answer {Three(answer)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"    requests over 5 × p50 ({bound:N1} ms): {slow:N0} of {count:N0} ({100.0 * slow / count:N2}%), in {slowWindows} of {windows} windows of {WindowMs} ms; {slowWithDriverStall:N0} of them in windows where the driver itself stalled");
        text.AppendLine(CultureInfo.InvariantCulture, $"    the driver's own stalls (a 1 ms sleep woken over 4 ms late): {stalls.Count}, {stalls.Sum(s => Ms(s.Late)):N0} ms in all, longest {(stalls.Count == 0 ? 0 : stalls.Max(s => Ms(s.Late))):N1} ms");
        foreach (var row in rows.Where(r => r.Slow > 0).OrderByDescending(r => r.Max).Take(8).OrderBy(r => r.StartMs))
            text.AppendLine(CultureInfo.InvariantCulture, $"    window at {row.StartMs / 1000.0:N1} s: {row.Slow} slow of {row.Latencies.Count}; max {row.Max:N1} ms; driver late ≤ {row.MaxLateness:N1} ms, connection wait ≤ {row.MaxSlotWait:N1} ms, answer ≤ {row.MaxAnswer:N1} ms, in flight ≤ {row.MaxInFlight}, driver stalled {row.DriverStallMs:N0} ms");

        var csv = new StringBuilder("window_start_ms,requests,p50_ms,p99_ms,max_ms,slow,max_driver_late_ms,max_connection_wait_ms,max_answer_ms,max_in_flight,driver_stall_ms\n");
        foreach (var row in rows)
        {
            var sorted = row.Latencies.Order().ToArray();
            double P(double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
            csv.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{row.StartMs},{sorted.Length},{P(50):0.00},{P(99):0.00},{row.Max:0.00},{row.Slow},{row.MaxLateness:0.00},{row.MaxSlotWait:0.00},{row.MaxAnswer:0.00},{row.MaxInFlight},{row.DriverStallMs:0.0}"));
        }
        return new ConstantRateAnalysis(text.ToString().TrimEnd(), csv.ToString(), slow, slowWindows, stalls.Count, stalls.Sum(s => Ms(s.Late)), Percentile(lateness, 99));
    }

    private static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
    }

    private static string Three(double[] values) =>
        string.Create(CultureInfo.InvariantCulture, $"{Percentile(values, 50):N2} / {Percentile(values, 99):N2} / {values.Max():N1}");

    private sealed class WindowRow(int startMs)
    {
        public int StartMs { get; } = startMs;
        public List<double> Latencies { get; } = [];
        public double Max => Latencies.Count == 0 ? 0 : Latencies.Max();
        public double MaxLateness { get; set; }
        public double MaxSlotWait { get; set; }
        public double MaxAnswer { get; set; }
        public int MaxInFlight { get; set; }
        public int Slow { get; set; }
        public double DriverStallMs { get; set; }
    }
}

/// <summary>What <see cref="ConstantRateRun.Analyse"/> found: a summary for the log, the timeline as CSV, and its counts.</summary>
public sealed record ConstantRateAnalysis(string Summary, string TimelineCsv, int SlowRequests, int SlowWindows, int DriverStalls, double DriverStallMs, double DriverLatenessP99Ms);
