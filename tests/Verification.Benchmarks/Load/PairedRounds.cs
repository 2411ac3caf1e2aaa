namespace Verification.Benchmarks.Load;

/// <summary>
/// A "÷ bare host" figure measured in short alternating rounds instead of one long run of each host. On a shared
/// machine the load moves within seconds: in the run of 2026-12-06 the SQLite bare host answered /health/live at 73k
/// req/s and ours at 53k (0.73), while the PostgreSQL run's bare host ran at 57k and ours at 57k (1.01); in a quick run
/// on this branch ours was 1.10 × the bare host and, a minute later on the same build, 0.93. Nothing in the API's code
/// differs between the two providers for that route, so the spread is when each host ran, not what it costs. Here
/// both hosts are warmed up, then measured in <see cref="Rounds"/> rounds of equal length, ours and the bare host back
/// to back within each round (which one goes first alternates); the figure's ratio is the median of the rounds'
/// ratios, and its values are the totals over all rounds.
/// </summary>
public static class PairedRounds
{
    public const int Rounds = 5;

    public sealed record Result(LoadResult Ours, LoadResult Bare, double MedianRatio, IReadOnlyList<double> Ratios)
    {
        public string Detail => DetailAs("ours ÷ bare host");

        /// <summary>The rounds' ratios, named for what the two sides are when they are not ours and the bare host.</summary>
        public string DetailAs(string ratioName) => RoundsDetail(ratioName, Ratios);
    }

    /// <summary>How every figure measured in rounds lists its rounds' ratios in the report.</summary>
    internal static string RoundsDetail(string ratioName, IEnumerable<double> ratios) =>
        $"rounds ({ratioName}): {string.Join(", ", ratios.Select(r => r.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)))}";

    public static string Note =>
        $"Measured in {Rounds} alternating rounds (ours, then the bare host, back to back; the order alternates per round) after both warmed up; " +
        "the ratio is the median of the rounds' ratios, the req/s are totals over all rounds, p50 and p99 the median of the rounds'.";

    /// <param name="closedLoop">Runs closed-loop load against a host for a while (wrk or the suite's own driver).</param>
    public static async Task<Result> MeasureAsync(Func<Uri, LoadRequest, TimeSpan, Task<LoadResult>> closedLoop,
        Uri ours, LoadRequest oursRequest, Uri bare, LoadRequest bareRequest, TimeSpan warmup, TimeSpan duration)
    {
        await closedLoop(ours, oursRequest, warmup);
        await closedLoop(bare, bareRequest, warmup);
        var slice = TimeSpan.FromSeconds(Math.Max(1, duration.TotalSeconds / Rounds));
        var oursRounds = new List<LoadResult>();
        var bareRounds = new List<LoadResult>();
        for (var round = 0; round < Rounds; round++)
        {
            if (round % 2 == 0)
            {
                oursRounds.Add(await closedLoop(ours, oursRequest, slice));
                bareRounds.Add(await closedLoop(bare, bareRequest, slice));
            }
            else
            {
                bareRounds.Add(await closedLoop(bare, bareRequest, slice));
                oursRounds.Add(await closedLoop(ours, oursRequest, slice));
            }
        }
        var ratios = oursRounds.Zip(bareRounds, (o, b) => b.Throughput > 0 ? o.Throughput / b.Throughput : 0).ToList();
        return new Result(Combine(oursRounds), Combine(bareRounds), Median(ratios), ratios);
    }

    private static LoadResult Combine(IReadOnlyList<LoadResult> rounds)
    {
        var requests = rounds.Sum(r => r.Requests);
        return new LoadResult(rounds[0].Tool, rounds[0].Connections, rounds.Sum(r => r.Seconds), requests, rounds.Sum(r => r.Errors),
            Median([.. rounds.Select(r => r.P50Ms)]), Median([.. rounds.Select(r => r.P99Ms)]),
            requests > 0 ? rounds.Sum(r => r.MeanMs * r.Requests) / requests : 0, rounds.Max(r => r.MaxMs));
    }

    /// <summary>The median of <paramref name="values"/> (sorted in place).</summary>
    internal static double Median(List<double> values)
    {
        values.Sort();
        var middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
