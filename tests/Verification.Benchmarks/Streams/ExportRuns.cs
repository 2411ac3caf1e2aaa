using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Data.Sqlite;
using Verification.Benchmarks.Hosting;
using Verification.Benchmarks.Load;
using Verification.Benchmarks.Report;
using Verification.Benchmarks.Seeding;
using Verification.Persistence;

namespace Verification.Benchmarks.Streams;

/// <summary>
/// Partner exports (GET /api/v1/partner/exports/claims) in each format, of every decided claim in the large SQLite
/// database (the HTTP suite's, every seeded claim decided) and of the newest tenth of them (an updatedSince filter, so
/// both read the same database), as a Restricted partner. Each is timed from the request to the last byte read, and the
/// API process's peak working set is reset just before and read just after. The run checks the count of claims in each
/// export and the Shared custody events it added. The tenth is the baseline: the issue's target is the full export in
/// at most 11 × its time (10 × the claims), with at most 64 MiB of growth. Each format is exported in three rounds of
/// the tenth then the whole (the median ratio; the worst round's memory).
/// </summary>
public sealed class ExportRuns(BenchOptions options, Action<string> log)
{
    private const double MiB = 1024 * 1024;
    private static readonly string[] Formats = ["ndjson", "csv", "geojson"];
    private const int TimedRounds = 3;

    public async Task<IReadOnlyList<Figure>> RunAsync(string? largeDatabase, string folder)
    {
        var connectionString = largeDatabase;
        if (connectionString is null)
        {
            // Run on its own (the `streams` command): seed a database like the HTTP suite's large one.
            connectionString = $"Data Source={Path.Combine(folder, "exports.db")}";
            log($"exports: seeding {options.Claims:N0} claims (the HTTP suite's database is not there in a `streams` run)");
            var took = await ClaimSeeder.SeedAsync(DatabaseProvider.Sqlite, connectionString, options.Claims);
            log($"  seeded in {took.TotalSeconds:N0} s");
        }

        var large = await ScalarAsync<long>(connectionString, "SELECT COUNT(*) FROM \"Claims\" WHERE \"Stage\" = 'Decided'");
        var small = large / 10;
        // The newest tenth in the partner order (updatedAt, number): updatedSince is inclusive, and seeded times are distinct.
        var since = DateTime.SpecifyKind(DateTime.Parse(await ScalarAsync<string>(connectionString,
            $"SELECT \"UpdatedAt\" FROM \"Claims\" WHERE \"Stage\" = 'Decided' ORDER BY \"UpdatedAt\" DESC, \"Number\" DESC LIMIT 1 OFFSET {small - 1}"),
            CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), DateTimeKind.Utc);
        var warmSince = DateTime.SpecifyKind(DateTime.Parse(await ScalarAsync<string>(connectionString,
            $"SELECT \"UpdatedAt\" FROM \"Claims\" WHERE \"Stage\" = 'Decided' ORDER BY \"UpdatedAt\" DESC, \"Number\" DESC LIMIT 1 OFFSET {Math.Min(199, small - 1)}"),
            CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), DateTimeKind.Utc);

        var figures = new List<Figure>();
        await using var api = await ApiHost.StartAsync(DatabaseProvider.Sqlite, connectionString, folder, backgroundJobs: false);
        using var client = api.PartnerClient(await api.PartnerKeyAsync("Restricted"));
        foreach (var format in Formats)
        {
            // Warm up the format's code path (JIT, the query plan) with a small export first.
            await ExportAsync(client, api.Process, connectionString, format, warmSince, expected: null);
            await Task.Delay(TimeSpan.FromSeconds(1));

            // Rounds of the tenth then the whole: the time ratio is the median of the rounds' ratios, the times the medians,
            // and the memory figures the worst round's. One pair per format moved the ratio between 9.1 and 12.9 across full
            // runs with no change to the export path (docs/performance-changes.md, eighth round).
            var rounds = new List<(ExportResult Tenth, ExportResult Whole)>();
            for (var round = 1; round <= TimedRounds; round++)
            {
                log($"exports: {format}, {small:N0} claims (round {round} of {TimedRounds})");
                var tenthRound = await ExportAsync(client, api.Process, connectionString, format, since, small);
                log($"  {tenthRound}");
                log($"exports: {format}, {large:N0} claims (round {round} of {TimedRounds})");
                var wholeRound = await ExportAsync(client, api.Process, connectionString, format, null, large);
                log($"  {wholeRound}");
                rounds.Add((tenthRound, wholeRound));
            }
            // An odd number of rounds: the median export is one that ran.
            var tenth = rounds.OrderBy(r => r.Tenth.Seconds).ElementAt(TimedRounds / 2).Tenth;
            var whole = rounds.OrderBy(r => r.Whole.Seconds).ElementAt(TimedRounds / 2).Whole;
            var ratios = rounds.Select(r => r.Tenth.Seconds > 0 ? r.Whole.Seconds / r.Tenth.Seconds : double.NaN).ToList();
            var ratio = PairedRounds.Median([.. ratios]);
            var roundsDetail = PairedRounds.RoundsDetail("whole ÷ tenth", ratios);
            var tenthPeak = rounds.MaxBy(r => r.Tenth.PeakGrowth).Tenth;
            var wholePeak = rounds.MaxBy(r => r.Whole.PeakGrowth).Whole;

            figures.Add(new Figure
            {
                Section = StreamsSuite.Section,
                Name = $"export of {small:N0} claims, {format}: time per claim",
                Value = tenth.MicrosecondsPerClaim,
                Unit = "µs/claim",
                ValueDetail = tenth.Detail,
                Note = "The baseline of the next line: the newest tenth (updatedSince), same database, same run.",
            });
            figures.Add(new Figure
            {
                Section = StreamsSuite.Section,
                Name = $"export of {large:N0} claims, {format}: time",
                Value = whole.Seconds,
                Unit = "s",
                ValueDetail = whole.Detail + "<br>" + roundsDetail,
                Baseline = tenth.Seconds,
                BaselineName = $"export of {small:N0} claims, {format}",
                BaselineDetail = $"{tenth.Seconds:N1} s (median of {TimedRounds})",
                Ratio = double.IsNaN(ratio) ? null : ratio,
                RatioMeaning = $"time ÷ time (10 × the claims), median of {TimedRounds} rounds",
                TargetKind = TargetKind.AtMost,
                Target = 11,
                TargetText = $"≤ 11 × the time of {small:N0}",
            });
            foreach (var (count, run, baseline) in new[] { (small, tenthPeak, (ExportResult?)null), (large, wholePeak, tenthPeak) })
            {
                figures.Add(new Figure
                {
                    Section = StreamsSuite.Section,
                    Name = $"export of {count:N0} claims, {format}: peak working set growth (API process)",
                    Value = run.PeakGrowth / MiB,
                    Unit = "MiB",
                    ValueDetail = $"VmHWM {run.PeakAfter / MiB:N0} MiB after, VmRSS {run.RssBefore / MiB:N0} MiB before" +
                                  (run.PeakReset ? string.Empty : " (VmHWM could not be reset: peak since start)") + "<br>" + run.Breakdown,
                    Baseline = baseline is null ? null : baseline.PeakGrowth / MiB,
                    BaselineName = baseline is null ? null : $"export of {small:N0} claims",
                    TargetKind = TargetKind.AtMost,
                    Target = 64,
                    TargetText = "≤ 64 MiB",
                    TargetOnValue = true,
                });
            }
        }
        return figures;
    }

    private static async Task<ExportResult> ExportAsync(HttpClient client, ServerProcess api, string connectionString, string format,
        DateTime? updatedSince, long? expected)
    {
        const string sharedSql = "SELECT COUNT(*) FROM \"CustodyEvents\" WHERE \"Action\" = 'Shared'";
        var sharesBefore = await ScalarAsync<long>(connectionString, sharedSql);
        var path = $"/api/v1/partner/exports/claims?format={format}" +
                   (updatedSince is { } since ? "&updatedSince=" + Uri.EscapeDataString(since.ToString("O", CultureInfo.InvariantCulture)) : string.Empty);
        var reset = api.ResetPeak();
        var before = api.Memory();
        var breakdownBefore = ExportMemoryBreakdown.Read(api.Pid, connectionString);
        var clock = Stopwatch.StartNew();
        long bytes = 0, claims;
        using (var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead))
        {
            if (response.StatusCode != HttpStatusCode.OK || !response.Headers.Contains("X-Export-Id"))
                throw new InvalidOperationException($"The {format} export answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            await using var body = await response.Content.ReadAsStreamAsync();
            var counter = new ClaimCounter(format);
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                bytes += read;
                counter.Add(buffer.AsSpan(0, read));
            }
            claims = counter.Claims;
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var after = api.Memory();
        var breakdown = ExportMemoryBreakdown.Describe(breakdownBefore, ExportMemoryBreakdown.Read(api.Pid, connectionString));
        var shares = await ScalarAsync<long>(connectionString, sharedSql) - sharesBefore;
        var result = new ExportResult(format, claims, bytes, seconds, before.Rss, after.Peak, reset, shares, breakdown);
        if (expected is { } count && claims != count)
            throw new InvalidOperationException($"The {format} export held {claims:N0} claims, not the {count:N0} decided claims it should: {result}");
        return result;
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T), CultureInfo.InvariantCulture);
    }

    /// <summary>Counts the claims in an export as it streams past: lines of ndjson, CSV rows after the header, GeoJSON features.</summary>
    private sealed class ClaimCounter(string format)
    {
        private static readonly byte[] Feature = "{\"type\":\"Feature\","u8.ToArray();
        private readonly byte[] _tail = new byte[Feature.Length - 1];
        private int _tailLength;
        private long _count;

        // Seeded text has no line breaks, so a line is a claim (CSV: after its header row).
        public long Claims => format switch { "csv" => Math.Max(0, _count - 1), _ => _count };

        public void Add(ReadOnlySpan<byte> chunk)
        {
            if (format != "geojson")
            {
                _count += chunk.Count((byte)'\n');
                return;
            }
            // A feature's opening may straddle two chunks: search the end of the last one with the start of this one.
            Span<byte> seam = stackalloc byte[_tail.Length * 2];
            var take = Math.Min(_tail.Length, chunk.Length);
            _tail.AsSpan(0, _tailLength).CopyTo(seam);
            chunk[..take].CopyTo(seam[_tailLength..]);
            _count += Occurrences(seam[..(_tailLength + take)], Feature);
            _count += Occurrences(chunk, Feature);
            _tailLength = Math.Min(_tail.Length, chunk.Length);
            chunk[^_tailLength..].CopyTo(_tail);
        }

        private static int Occurrences(ReadOnlySpan<byte> text, ReadOnlySpan<byte> pattern)
        {
            var count = 0;
            int at;
            while ((at = text.IndexOf(pattern)) >= 0)
            {
                count++;
                text = text[(at + pattern.Length)..];
            }
            return count;
        }
    }

    private sealed record ExportResult(string Format, long Claims, long Bytes, double Seconds, long RssBefore, long PeakAfter, bool PeakReset, long Shares,
        string Breakdown)
    {
        public long PeakGrowth => Math.Max(0, PeakAfter - RssBefore);
        public double MicrosecondsPerClaim => Claims > 0 ? Seconds * 1e6 / Claims : 0;

        public string Detail =>
            $"{Claims:N0} claims, {Bytes / 1e6:N0} MB in {Seconds:N1} s ({MicrosecondsPerClaim:N0} µs per claim); {Shares:N0} Shared custody events written";

        public override string ToString() =>
            $"{Detail}; peak RSS growth {PeakGrowth / MiB:N1} MiB (RSS before {RssBefore / MiB:N0} MiB, peak after {PeakAfter / MiB:N0} MiB; {Breakdown})";
    }
}
