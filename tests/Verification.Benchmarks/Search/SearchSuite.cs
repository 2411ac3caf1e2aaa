using System.Diagnostics;
using System.Globalization;
using System.Net;
using Verification.Benchmarks.Hosting;
using Verification.Benchmarks.Report;
using Verification.Persistence;

namespace Verification.Benchmarks.Search;

/// <summary>
/// Full-text and map search (issue 16) at 1,000,000 claims: a two-word query ("airstrike segou", which also folds the
/// accent of "Ségou"), and a bbox query, each the first page (50, newest first) as a Reviewer asks for it over HTTP,
/// against an unfiltered first page of the same list on the same database. p50 and p99 of sequential requests after a
/// warm-up. Target: a search page no slower than 3× the unfiltered page.
/// <para>
/// <c>dotnet run -c Release --project tests/Verification.Benchmarks -- search [--claims N] [--requests R] [--providers Sqlite,PostgreSql] [--keep] [--work DIR --reuse]</c>;
/// writes artifacts/performance-search.md and artifacts/perf-search.json.
/// </para>
/// </summary>
public static class SearchSuite
{
    public const string Section = "Search";
    public const string TwoWords = "airstrike segou";

    /// <summary>Around Goma: about one claim in eighty (each place's claims lie within half a degree of it).</summary>
    public const string Bbox = "28.9,-2.0,29.6,-1.3";

    /// <summary>A small box near Goma: about one claim in a thousand (the seeded positions lie on a grid).</summary>
    public const string NarrowBbox = "29.2,-1.7,29.22,-1.68";

    /// <summary>Most of Africa and the Middle East: about 85% of the claims.</summary>
    public const string WideBbox = "-20,-20,50,40";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = BenchOptions.Parse(["search", .. args]);
        var claims = args.Contains("--claims") ? options.Claims : 1_000_000;
        var requests = Option(args, "--requests", 300);
        var clock = Stopwatch.StartNew();
        void Log(string message) => Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {message}");
        var startedAt = DateTime.UtcNow;
        var machine = Machine.Describe();
        Log($"search benchmark: {claims:N0} claims, {requests} requests per query after a warm-up, providers {string.Join(", ", options.Providers)}");
        if (!File.Exists(RepoPaths.ApiAssembly))
        {
            Console.Error.WriteLine($"The API build is missing at {RepoPaths.ApiAssembly}; build in {RepoPaths.Configuration} first.");
            return 1;
        }
        var folder = Path.Combine(options.WorkFolder, "search");
        Directory.CreateDirectory(folder);
        var figures = new List<Figure>();
        var phases = new Dictionary<string, double>();
        PostgresCluster? cluster = null;
        try
        {
            foreach (var provider in options.Providers)
            {
                var section = $"{Section}, {provider}";
                if (provider == DatabaseProvider.PostgreSql && PostgresCluster.WhyUnavailable is { } why)
                {
                    figures.Add(Figure.Missing(section, Name("two-word query", claims), "not measured: " + why, "≤ 3 × an unfiltered page"));
                    continue;
                }
                if (provider == DatabaseProvider.PostgreSql)
                    cluster ??= PostgresCluster.Start("verification-bench-pg-");
                var connectionString = provider == DatabaseProvider.Sqlite
                    ? $"Data Source={Path.Combine(folder, "search.db")}"
                    : cluster!.CreateDatabase("bench_search", commandTimeoutSeconds: 3600);
                // --reuse with --keep and --work: measure again on the SQLite database a previous run seeded (another
                // API build through VERIFICATION_BENCH_API, say), for a before-and-after on the same data.
                if (provider == DatabaseProvider.Sqlite && args.Contains("--reuse") && File.Exists(Path.Combine(folder, "search.db")))
                {
                    Log("search seed: reusing the database of a previous run");
                }
                else
                {
                    var seeded = await SearchSeeder.SeedAsync(provider, connectionString, claims, Log);
                    phases[$"seed {provider}"] = Math.Round(seeded.TotalSeconds, 1);
                }

                await using var api = await ApiHost.StartAsync(provider, connectionString, folder, backgroundJobs: false);
                using var client = api.Client(await api.StaffTokenAsync("Reviewer"));
                var list = "/api/v1/claims?limit=50";
                var search = $"/api/v1/claims?limit=50&q={Uri.EscapeDataString(TwoWords)}";
                var box = $"/api/v1/claims?limit=50&bbox={Bbox}";
                var narrow = $"/api/v1/claims?limit=50&bbox={NarrowBbox}";
                var wide = $"/api/v1/claims?limit=50&bbox={WideBbox}";
                var relevance = search + "&sort=relevance";
                // --only "bbox query,narrow" measures the queries whose names start with one of these (and the baseline).
                var queries = new[]
                {
                    ("two-word query", search), ("bbox query", box), ("narrow bbox query", narrow), ("wide bbox query", wide),
                    ("two-word query by relevance", relevance),
                }.Where(q => options.Only.Count == 0 || options.Only.Any(o => q.Item1.StartsWith(o, StringComparison.OrdinalIgnoreCase))).ToList();
                foreach (var url in queries.Select(q => q.Item2).Prepend(list))
                    await TimeAsync(client, url, 30);
                var baseline = await TimeAsync(client, list, requests);
                Log($"{provider}: unfiltered page {baseline}");
                foreach (var (what, url) in queries)
                {
                    var measured = await TimeAsync(client, url, requests);
                    Log($"{provider}: {what} {measured}");
                    figures.Add(new Figure
                    {
                        Section = section,
                        Name = Name(what, claims),
                        Value = measured.P50,
                        Unit = "ms p50",
                        ValueDetail = $"p99 {measured.P99:N1} ms; {measured.Count} sequential requests; {measured.Items} items on the page; {url}",
                        Baseline = baseline.P50,
                        BaselineName = "unfiltered first page (limit 50), same API and database",
                        BaselineDetail = $"p99 {baseline.P99:N1} ms",
                        Ratio = measured.P50 / baseline.P50,
                        RatioMeaning = "search page p50 ÷ unfiltered page p50",
                        TargetKind = TargetKind.AtMost,
                        Target = 3,
                        TargetText = "≤ 3 × an unfiltered page",
                        Note = $"p99 ratio {measured.P99 / baseline.P99:N2}",
                    });
                }
            }
        }
        finally
        {
            cluster?.Dispose();
            if (!options.Keep)
            {
                try { Directory.Delete(options.WorkFolder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }

        Directory.CreateDirectory(RepoPaths.Artifacts);
        var notes = new List<string>
        {
            $"Search: {claims:N0} claims seeded by SQL (Search/SearchSeeder.cs), each with its search text; the API is the real build as its own process. " +
            $"Queries: q=\"{TwoWords}\" (every word must match; about one claim in 360), bbox={Bbox} (about one claim in 80), bbox={NarrowBbox} (one in a thousand), bbox={WideBbox} (85%), and the first by relevance; " +
            "each the first page of 50 as a Reviewer, sequential requests after 30 of warm-up; p50 and p99 of the request time seen by the client.",
        };
        var run = new ReportWriter.Run("search", options with { Claims = claims }, machine, startedAt, clock.Elapsed, Machine.LoadAverage(), notes, figures, phases);
        await File.WriteAllTextAsync(Path.Combine(RepoPaths.Artifacts, "performance-search.md"), ReportWriter.Markdown(run));
        await File.WriteAllTextAsync(Path.Combine(RepoPaths.Artifacts, "perf-search.json"), ReportWriter.Json(run));
        foreach (var f in figures)
        {
            Console.WriteLine(f.NotMeasured is { } reason
                ? $"  {f.Section} | {f.Name}: {reason}"
                : $"  {f.Section} | {f.Name}: {f.Value:N2} {f.Unit} vs {f.Baseline:N2} -> ratio {f.Ratio:N2} [{(f.Met == true ? "met" : "MISSED")}] ({f.ValueDetail})");
        }
        return 0;
    }

    private static string Name(string what, int claims) => $"{what} at {claims:N0} claims: first page p50 vs an unfiltered page";

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static async Task<Timing> TimeAsync(HttpClient client, string url, int count)
    {
        var times = new double[count];
        var items = 0;
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await client.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (response.StatusCode != HttpStatusCode.OK)
                throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}: {body}");
            if (i == 0)
                items = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("items").GetArrayLength();
        }
        Array.Sort(times);
        return new Timing(times[(int)(count * 0.5)], times[Math.Min(count - 1, (int)Math.Ceiling(count * 0.99) - 1)], count, items);
    }

    private sealed record Timing(double P50, double P99, int Count, int Items)
    {
        public override string ToString() => $"p50 {P50:N2} ms, p99 {P99:N2} ms ({Count} requests, {Items} items)";
    }
}
