using System.Globalization;

namespace Verification.Benchmarks.Load;

/// <summary>
/// The peak that "p99 at 70% of peak" takes its rate from: the highest constant rate the open-loop driver sustains,
/// found by a short search, not the closed-loop peak. Arrivals one by one on up to 256 connections cost the server and
/// the driver more per request than back-to-back requests on 16 (docs/performance-changes.md, fourth round: 8–41% for
/// the API, 1.8–3.1× for the driver), so 70% of the closed-loop peak ran the two cores at about 94% on SQLite and was
/// beyond what the bare host on PostgreSQL could sustain at all (p50 54 ms, a queue). The same rule applies to every
/// host and provider.
/// </summary>
/// <remarks>
/// A rate is sustained when every request is answered without error, the answers keep pace (at least
/// <see cref="KeepsPace"/> of the rate), and the requests in the system stay no more than the closed loop held at its
/// peak: by Little's law, rate × p50 ≤ the closed-loop peak's rate × its p50 (about 12 of its 16 connections). Past
/// that, an open loop is more congested than the state the old peak was measured in; below it, the p50 bound grows as
/// the rate falls, so the search does not demand the latency of an idle server. A multiple of some latency picked by
/// hand would be a choice of the target, not of the peak. Probes start at 80% of the closed-loop peak, step by 10% of
/// it (up to 100%, down to 20%), then halve the last step once; each probe has its own warm-up on its connections, as
/// the measured phase does. The search never goes above the closed-loop peak.
/// </remarks>
public static class OpenLoopPeak
{
    public const double KeepsPace = 0.98;
    private const double Step = 0.10;
    private const double Start = 0.80;
    private const double Lowest = 0.20;

    public sealed record Probe(double Share, double Rate, LoadResult Result, bool Sustained);

    public sealed record Outcome(double Rate, LoadResult ClosedPeak, IReadOnlyList<Probe> Probes, bool Found)
    {
        public double Share => ClosedPeak.Throughput > 0 ? Rate / ClosedPeak.Throughput : 0;

        /// <summary>The probes in the order run: share of the closed-loop peak, rate, p50, and whether it was sustained.</summary>
        public string Describe() => string.Join(", ", Probes.Select(p => string.Create(CultureInfo.InvariantCulture,
            $"{p.Share:P0} {p.Rate:N0} p50 {p.Result.P50Ms:N2} ms (≤ {P50Bound(ClosedPeak, p.Rate):N2}) {(p.Sustained ? "ok" : "no")}")));
    }

    /// <summary>The highest p50 a probe at <paramref name="rate"/> may have: the closed-loop peak's requests in the system, at that rate.</summary>
    public static double P50Bound(LoadResult closedPeak, double rate) => rate > 0 ? closedPeak.Throughput * closedPeak.P50Ms / rate : 0;

    public static bool Sustains(LoadResult result, double rate, LoadResult closedPeak) =>
        result.Errors == 0 && result.Throughput >= KeepsPace * rate && result.P50Ms <= P50Bound(closedPeak, rate);

    /// <summary>The search; <paramref name="run"/> is one open-loop probe at a rate (warm-up included), as the phase runs it.</summary>
    public static async Task<Outcome> FindAsync(LoadResult closedPeak, Func<double, Task<LoadResult>> run)
    {
        var probes = new List<Probe>();
        async Task<bool> Try(double share)
        {
            var rate = share * closedPeak.Throughput;
            var result = await run(rate);
            var sustained = Sustains(result, rate, closedPeak);
            probes.Add(new Probe(share, rate, result, sustained));
            return sustained;
        }

        double? best = null, failed = null;
        var share = Start;
        if (await Try(share))
        {
            best = share;
            while (share + Step <= 1.0 + 1e-9 && await Try(share + Step))
                best = share += Step;
            failed = best < 1.0 - 1e-9 ? best + Step : null;
        }
        else
        {
            failed = share;
            while (share - Step >= Lowest - 1e-9)
            {
                share -= Step;
                if (await Try(share))
                {
                    best = share;
                    break;
                }
                failed = share;
            }
        }
        if (best is { } b && failed is { } f && await Try((b + f) / 2))
            best = (b + f) / 2;
        return best is { } found
            ? new Outcome(found * closedPeak.Throughput, closedPeak, probes, Found: true)
            : new Outcome(Lowest * closedPeak.Throughput, closedPeak, probes, Found: false);
    }
}
