using System.Diagnostics;
using System.Net;
using Verification.Benchmarks.Hosting;
using Verification.Benchmarks.Report;
using Verification.Benchmarks.Seeding;
using Verification.Persistence;

namespace Verification.Benchmarks.Streams;

/// <summary>
/// Streams: a large evidence upload through POST /api/v1/claims/{id}/evidence (multipart) against the floor's raw
/// upload with SHA-256, each host in its own process, with the growth of its peak resident set during the upload
/// (VmHWM reset to the current size just before, read just after); then the partner exports (<see cref="ExportRuns"/>)
/// on <paramref name="exportDatabase"/>, the HTTP suite's large SQLite database when it ran first.
/// </summary>
public sealed class StreamsSuite(BenchOptions options, Action<string> log, string? exportDatabase = null)
{
    public const string Section = "Streams";
    private const double MiB = 1024 * 1024;

    public async Task<IReadOnlyList<Figure>> RunAsync()
    {
        var folder = Path.Combine(options.WorkFolder, "streams");
        Directory.CreateDirectory(folder);
        var connectionString = $"Data Source={Path.Combine(folder, "streams.db")}";
        await ClaimSeeder.SeedAsync(DatabaseProvider.Sqlite, connectionString, 10);
        var claimId = (await ClaimSeeder.SampleClaimIdsAsync(DatabaseProvider.Sqlite, connectionString, 1))[0];
        var size = options.UploadBytes;
        var label = size >= 1L << 30 ? $"{size / (double)(1L << 30):0.#} GiB" : $"{size / MiB:N0} MiB";
        var figures = new List<Figure>();

        // The API refuses uploads over Evidence:MaxUploadBytes (512 MiB by default): the operator raises it for this run.
        await using (var api = await ApiHost.StartAsync(DatabaseProvider.Sqlite, connectionString, folder, maxUploadBytes: size + (64L << 20), backgroundJobs: false))
        await using (var floor = await FloorProcess.StartAsync(DatabaseProvider.Sqlite, connectionString, folder))
        {
            using var client = api.Client(await api.StaffTokenAsync("Coordinator"));
            using var floorClient = new HttpClient { BaseAddress = floor.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
            var metadata = """{"kind":"Video","title":"Drone footage of the strike","stance":"Supports","origin":"benchmark","collectedBy":"benchmark"}""";
            HttpRequestMessage Ours(long bytes, int seed) => new(HttpMethod.Post, $"/api/v1/claims/{claimId}/evidence") { Content = GeneratedUpload.Multipart(bytes, seed, metadata) };
            HttpRequestMessage Floor(long bytes, int seed) => new(HttpMethod.Post, "/floor/evidence") { Content = GeneratedUpload.Raw(bytes, seed) };

            // Warm both up (JIT, file system) with 16 MiB each, then let them settle.
            await UploadAsync(client, Ours(16L << 20, 1), api.Process);
            await UploadAsync(floorClient, Floor(16L << 20, 2), floor);
            await Task.Delay(TimeSpan.FromSeconds(2));

            log($"streams: {label} upload through the API");
            var ours = await UploadAsync(client, Ours(size, 3), api.Process);
            log($"  ours:  {ours}");
            log($"streams: {label} raw upload to the floor");
            var bare = await UploadAsync(floorClient, Floor(size, 4), floor);
            log($"  floor: {bare}");

            figures.Add(new Figure
            {
                Section = Section,
                Name = $"{label} evidence upload: throughput",
                Value = size / MiB / ours.Seconds,
                Unit = "MiB/s",
                ValueDetail = $"multipart through POST /claims/{{id}}/evidence, {ours.Seconds:N1} s",
                Baseline = size / MiB / bare.Seconds,
                BaselineName = "floor: raw body to disk with SHA-256",
                BaselineDetail = $"{bare.Seconds:N1} s",
                Ratio = bare.Seconds / ours.Seconds,
                RatioMeaning = "ours ÷ floor",
                TargetKind = TargetKind.AtLeast,
                Target = 0.8,
                TargetText = "≥ 0.8 × floor",
            });
            figures.Add(new Figure
            {
                Section = Section,
                Name = $"{label} evidence upload: peak working set growth (API process)",
                Value = ours.PeakGrowth / MiB,
                Unit = "MiB",
                ValueDetail = $"VmHWM {ours.PeakAfter / MiB:N0} MiB after, VmRSS {ours.RssBefore / MiB:N0} MiB before" + (ours.PeakReset ? string.Empty : " (VmHWM could not be reset: peak since start)"),
                Baseline = bare.PeakGrowth / MiB,
                BaselineName = "floor process, same measure",
                TargetKind = TargetKind.AtMost,
                Target = 64,
                TargetText = "≤ 64 MiB",
                TargetOnValue = true,
            });
        }

        var exports = Stopwatch.StartNew();
        figures.AddRange(await new ExportRuns(options, log).RunAsync(exportDatabase, folder));
        log($"streams: exports took {exports.Elapsed.TotalSeconds:N0} s");
        return figures;
    }

    private static async Task<UploadResult> UploadAsync(HttpClient client, HttpRequestMessage request, ServerProcess process)
    {
        var reset = process.ResetPeak();
        var before = process.Memory();
        var clock = Stopwatch.StartNew();
        using (request)
        using (var response = await client.SendAsync(request))
        {
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.Created)
                throw new InvalidOperationException($"Upload to {process.Name} answered {(int)response.StatusCode}: {body}");
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var after = process.Memory();
        return new UploadResult(seconds, before.Rss, after.Peak, reset);
    }

    private sealed record UploadResult(double Seconds, long RssBefore, long PeakAfter, bool PeakReset)
    {
        public long PeakGrowth => Math.Max(0, PeakAfter - RssBefore);

        public override string ToString() =>
            $"{Seconds:N2} s, peak RSS growth {PeakGrowth / MiB:N1} MiB (RSS before {RssBefore / MiB:N0} MiB, peak after {PeakAfter / MiB:N0} MiB)";
    }
}
