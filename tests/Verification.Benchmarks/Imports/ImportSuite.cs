using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Verification.Benchmarks.Hosting;
using Verification.Benchmarks.Load;
using Verification.Benchmarks.Report;
using Verification.Persistence;

namespace Verification.Benchmarks.Imports;

/// <summary>
/// Bulk import (issue 10): a UCDP GED CSV of 100,000 rows (the real sample repeated with new ids) imported through
/// HTTP as a client would (POST /api/v1/imports, then GET /api/v1/imports/{id} until it has finished), on SQLite and
/// PostgreSQL, against a 10,000-row import in the same API process as the baseline. Two figures per provider: the
/// time per row at 100,000 ÷ at 10,000 (linear is 1), and the growth of the API process's peak resident set during
/// the large import (VmHWM reset just before the upload, read once the import has finished): flat memory.
/// </summary>
public sealed class ImportSuite(BenchOptions options, Action<string> log)
{
    public const string Section = "Imports";
    private const double MiB = 1024 * 1024;
    private const int WarmUpRows = 1_000;

    public IReadOnlyList<string> Notes { get; } =
    [
        "Imports: rows/s is the import's own run, from its startedAt to its finishedAt as GET /imports/{id} reports them (both passes over " +
        "the file, validation, inserts, audit entries, commits per batch); the upload and the wait for a job worker are not in it. " +
        "Peak working set growth = VmHWM after the import − VmRSS before its upload, VmHWM reset to the current size just before. " +
        "The files are the UCDP GED sample (Uppsala Conflict Data Program, GED 23.1, CC BY 4.0; see docs/samples/README.md) repeated with new ids; " +
        $"a {WarmUpRows:N0}-row import warms each API process up first, and the small import runs before the large one on the same database.",
    ];

    public async Task<IReadOnlyList<Figure>> RunAsync()
    {
        var folder = Path.Combine(options.WorkFolder, "imports");
        Directory.CreateDirectory(folder);
        var large = options.ImportRows;
        var small = Math.Max(1, large / 10);
        // Separate id ranges: every row of every file is a new event, so nothing is skipped as already imported.
        var files = new Dictionary<int, string>();
        foreach (var (rows, firstId) in new[] { (WarmUpRows, 100_000_000), (small, 200_000_000), (large, 300_000_000) })
        {
            var path = Path.Combine(folder, $"ucdp-ged-{rows}-{firstId}.csv");
            var bytes = await UcdpSampleFile.WriteAsync(path, rows, firstId);
            log($"imports: generated {rows:N0} rows ({bytes / MiB:N1} MiB) from the UCDP sample");
            files[firstId] = path;
        }

        var figures = new List<Figure>();
        PostgresCluster? cluster = null;
        try
        {
            foreach (var provider in options.Providers)
            {
                var section = $"{Section}, {provider}";
                if (provider == DatabaseProvider.PostgreSql && PostgresCluster.WhyUnavailable is { } why)
                {
                    figures.Add(Figure.Missing(section, TimeName(large, small), "not measured: " + why, "≤ 1.1 × the time per row"));
                    figures.Add(Figure.Missing(section, MemoryName(large), "not measured: " + why, "≤ 64 MiB"));
                    continue;
                }
                if (provider == DatabaseProvider.PostgreSql)
                    cluster ??= PostgresCluster.Start("verification-bench-pg-");
                var connectionString = provider == DatabaseProvider.Sqlite
                    ? $"Data Source={Path.Combine(folder, "imports.db")}"
                    : cluster!.CreateDatabase("bench_imports", commandTimeoutSeconds: 120);

                await using var api = await ApiHost.StartAsync(provider, connectionString, folder);
                using var client = api.Client(await api.StaffTokenAsync("Investigator"));
                // On PostgreSQL the server's CPU per row is counted too: the API waits on it for part of each batch.
                int? serverPid = provider == DatabaseProvider.PostgreSql ? cluster!.ServerPid : null;
                var warm = await ImportAsync(client, api.Process, serverPid, files[100_000_000], WarmUpRows);
                log($"{provider}: warm-up {warm}");
                var baseline = await ImportAsync(client, api.Process, serverPid, files[200_000_000], small);
                log($"{provider}: {small:N0} rows: {baseline}");
                var measured = await ImportAsync(client, api.Process, serverPid, files[300_000_000], large);
                log($"{provider}: {large:N0} rows: {measured}");

                figures.Add(new Figure
                {
                    Section = section,
                    Name = TimeName(large, small),
                    Value = measured.RowsPerSecond,
                    Unit = "rows/s",
                    ValueDetail = $"{large:N0} rows in {measured.Seconds:N1} s ({measured.WallSeconds:N1} s from upload to finished); "
                        + $"{measured.RowsPerCpuSecond:N0} rows per API CPU second; the API wrote {measured.BytesWritten / 1024.0 / large:N1} KiB per row"
                        + measured.CpuPerRow + measured.Threads,
                    Baseline = baseline.RowsPerSecond,
                    BaselineName = $"{small:N0}-row import, same process and database, just before",
                    BaselineDetail = $"{baseline.Seconds:N1} s; {baseline.RowsPerCpuSecond:N0} rows per API CPU second",
                    Ratio = baseline.RowsPerSecond / measured.RowsPerSecond,
                    RatioMeaning = $"time per row at {large:N0} ÷ at {small:N0}",
                    TargetKind = TargetKind.AtMost,
                    Target = 1.1,
                    TargetText = "≤ 1.1 (linear)",
                });
                // Issue 18's absolute rate: 5,000 rows/s on SQLite, 10,000 on PostgreSQL, over HTTP at 100,000 rows.
                var rateTarget = provider == DatabaseProvider.Sqlite ? 5_000 : 10_000;
                figures.Add(new Figure
                {
                    Section = section,
                    Name = $"UCDP CSV import of {large:N0} rows: rows/s",
                    Value = measured.RowsPerSecond,
                    Unit = "rows/s",
                    ValueDetail = $"{measured.RowsPerCpuSecond:N0} rows per API CPU second" + measured.CpuPerRow,
                    Baseline = baseline.RowsPerSecond,
                    BaselineName = $"{small:N0}-row import, same process and database, just before",
                    TargetKind = TargetKind.AtLeast,
                    Target = rateTarget,
                    TargetText = $"≥ {rateTarget:N0} rows/s (issue 18)",
                    TargetOnValue = true,
                });
                figures.Add(new Figure
                {
                    Section = section,
                    Name = MemoryName(large),
                    Value = measured.PeakGrowth / MiB,
                    Unit = "MiB",
                    ValueDetail = $"VmHWM {measured.PeakAfter / MiB:N0} MiB after, VmRSS {measured.RssBefore / MiB:N0} MiB before"
                        + (measured.PeakReset ? string.Empty : " (VmHWM could not be reset: peak since start)"),
                    Baseline = baseline.PeakGrowth / MiB,
                    BaselineName = $"{small:N0}-row import, same measure",
                    TargetKind = TargetKind.AtMost,
                    Target = 64,
                    TargetText = "≤ 64 MiB (flat memory)",
                    TargetOnValue = true,
                });
            }
        }
        finally
        {
            cluster?.Dispose();
        }
        return figures;
    }

    private static string TimeName(int large, int small) => $"UCDP CSV import of {large:N0} rows: rows/s, time per row vs {small:N0} rows";

    private static string MemoryName(int large) => $"UCDP CSV import of {large:N0} rows: peak working set growth (API process)";

    /// <summary>Uploads one file, polls until the import has finished, and checks every row became a claim.</summary>
    private static async Task<ImportResult> ImportAsync(HttpClient client, ServerProcess process, int? databaseServerPid, string path, int rows)
    {
        var serverCpuBefore = databaseServerPid is { } before0 ? CpuUse.TreeSeconds(before0) : 0;
        var reset = process.ResetPeak();
        var before = process.Memory();
        // Rows per API CPU second is the rate a busy shared machine distorts least (a database server's own time is not in it).
        var cpuBefore = CpuUse.ProcessSeconds(process.Pid);
        var ioBefore = Io(process.Pid);
        var threadsBefore = ThreadTimes.Snapshot(process.Pid);
        var runtimeBefore = await RuntimeCounters.ReadAsync(client);
        var clock = Stopwatch.StartNew();
        Guid id;
        await using (var file = File.OpenRead(path))
        using (var content = new MultipartFormDataContent())
        {
            content.Add(new StringContent("""{"format":"ucdp-ged-csv","datasetVersion":"23.1"}""", Encoding.UTF8, "application/json"), "options");
            var part = new StreamContent(file, 1 << 16);
            part.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            content.Add(part, "file", Path.GetFileName(path));
            using var response = await client.PostAsync("/api/v1/imports", content);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.Accepted)
                throw new InvalidOperationException($"The import upload answered {(int)response.StatusCode}: {body}");
            id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
        }

        JsonElement import;
        while (true)
        {
            await Task.Delay(500);
            using var response = await client.GetAsync($"/api/v1/imports/{id}");
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK)
                throw new InvalidOperationException($"GET /imports/{id} answered {(int)response.StatusCode}: {body}");
            import = JsonDocument.Parse(body).RootElement.Clone();
            if (import.GetProperty("status").GetString() is "Succeeded" or "Failed")
                break;
        }
        var wall = clock.Elapsed.TotalSeconds;
        var after = process.Memory();
        var cpu = CpuUse.ProcessSeconds(process.Pid) - cpuBefore;
        double? serverCpu = databaseServerPid is { } after0 ? CpuUse.TreeSeconds(after0) - serverCpuBefore : null;
        var ioAfter = Io(process.Pid);
        var threads = ThreadTimes.Describe(ThreadTimes.Between(threadsBefore, ThreadTimes.Snapshot(process.Pid)), wall)
            + RuntimeCounters.Describe(runtimeBefore, await RuntimeCounters.ReadAsync(client), rows);
        var created = import.GetProperty("createdClaims").GetInt32();
        if (import.GetProperty("status").GetString() != "Succeeded" || created != rows)
            throw new InvalidOperationException($"The import of {rows:N0} rows did not create one claim per row: {import}");
        var seconds = (import.GetProperty("finishedAt").GetDateTime() - import.GetProperty("startedAt").GetDateTime()).TotalSeconds;
        return new ImportResult(rows, seconds, wall, cpu, before.Rss, after.Peak, reset,
            ioAfter.Written - ioBefore.Written, ioAfter.Read - ioBefore.Read, serverCpu, threads);
    }

    /// <summary>
    /// Bytes the API process wrote and read through the kernel so far (/proc/PID/io wchar and rchar: every write and read
    /// call, page cache or not). On SQLite that is the WAL, the checkpoints and the pages read back, inside the API
    /// process; it is the figure that says whether a batch rewrites the same pages. Zero where /proc is not readable.
    /// </summary>
    private static (long Written, long Read) Io(int pid)
    {
        try
        {
            long written = 0, read = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/io"))
            {
                if (line.StartsWith("wchar:", StringComparison.Ordinal))
                    written = long.Parse(line[6..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                else if (line.StartsWith("rchar:", StringComparison.Ordinal))
                    read = long.Parse(line[6..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
            return (written, read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (0, 0);
        }
    }

    private sealed record ImportResult(int Rows, double Seconds, double WallSeconds, double CpuSeconds, long RssBefore, long PeakAfter, bool PeakReset,
        long BytesWritten, long BytesRead, double? ServerCpuSeconds, string Threads)
    {
        /// <summary>
        /// CPU per row of the API and, on PostgreSQL, of the server (the postmaster and its backends, the whole import
        /// from upload to finish): with two cores, rows/s can be no more than 2 s ÷ (the two together).
        /// </summary>
        public string CpuPerRow =>
            FormattableString.Invariant($"; CPU per row: API {CpuSeconds / Rows * 1e6:N0} µs") + (ServerCpuSeconds is { } server
                ? FormattableString.Invariant($", PostgreSQL {server / Rows * 1e6:N0} µs (so at most {CpuUse.MachineCpus.Value / ((CpuSeconds + server) / Rows):N0} rows/s on {CpuUse.MachineCpus.Value} cores)")
                : string.Empty);

        public double RowsPerSecond => Rows / Math.Max(Seconds, 0.001);

        public double RowsPerCpuSecond => Rows / Math.Max(CpuSeconds, 0.01);

        public long PeakGrowth => Math.Max(0, PeakAfter - RssBefore);

        public override string ToString() =>
            $"{Seconds:N1} s = {RowsPerSecond:N0} rows/s ({WallSeconds:N1} s from upload; {RowsPerCpuSecond:N0} rows per API CPU second), peak RSS growth {PeakGrowth / MiB:N1} MiB " +
            $"(RSS before {RssBefore / MiB:N0} MiB, peak after {PeakAfter / MiB:N0} MiB); API wrote {BytesWritten / 1024.0 / Rows:N1} KiB and read {BytesRead / 1024.0 / Rows:N1} KiB per row" + CpuPerRow + Threads;
    }
}
