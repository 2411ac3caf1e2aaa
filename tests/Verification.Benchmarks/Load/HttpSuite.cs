using System.Diagnostics;
using Verification.Benchmarks.Floor;
using Verification.Benchmarks.Hosting;
using Verification.Benchmarks.Report;
using Verification.Benchmarks.Seeding;
using Verification.Persistence;

namespace Verification.Benchmarks.Load;

/// <summary>
/// HTTP load over loopback, per database: our API (its own Kestrel process) and the floor host on the same
/// database, one after the other, for each figure of <see cref="HttpFigures"/>; then p99 at 70% of peak, and the
/// list page on a database of 1,000 claims against the one of 100,000.
/// </summary>
public sealed class HttpSuite(BenchOptions options, Action<string> log, Action<Figure>? measured = null)
{
    private readonly List<string> _notes = [];

    public IReadOnlyList<string> Notes => _notes;

    /// <summary>The large SQLite database once seeded (every claim decided): the streams suite exports from it.</summary>
    public string? SqliteLarge { get; private set; }

    public async Task<IReadOnlyList<Figure>> RunAsync()
    {
        var figures = new List<Figure>();
        var useWrk = options.UseWrk && Wrk.EnsureInstalled(log) is null;
        _notes.Add(useWrk
            ? $"Load generator: wrk 4.1 ({Math.Min(Environment.ProcessorCount, options.Connections)} threads, {options.Connections} connections, closed loop), on the same machine."
            : $"Load generator: this program's own driver ({options.Connections} connections, closed loop): {(options.UseWrk ? Wrk.EnsureInstalled(log) : "--no-wrk")}.");
        _notes.Add("This program's own driver (the p99 phase, its probes and the closed-loop peak before them) runs its socket completions " +
                   (Environment.GetEnvironmentVariable(ServerProcess.InlineCompletions) == "1" ? "inline" : "on the thread pool (inline completions turned off)") +
                   " (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS in this process only; the servers under test run with the runtime's defaults).");
        PostgresCluster? cluster = null;
        try
        {
            var databases = new List<Databases>();
            foreach (var provider in options.Providers)
            {
                if (provider == DatabaseProvider.PostgreSql && PostgresCluster.WhyUnavailable is { } why)
                {
                    figures.AddRange(HttpFigure.All.Select(f => Figure.Missing(Section(provider), f.Name, "not measured: " + why, f.TargetText)));
                    continue;
                }
                if (provider == DatabaseProvider.PostgreSql)
                    cluster = PostgresCluster.Start("verification-bench-pg-");
                databases.Add(Prepare(provider, cluster));
                if (provider == DatabaseProvider.Sqlite)
                    SqliteLarge = databases[^1].Large;
            }

            // Seeding is the slow part of a run (EF Core inserts row by row on SQLite): all databases are loaded at once,
            // before anything is measured.
            log($"seeding {options.Claims:N0} and {options.SmallClaims:N0} claims per database through the domain and EF Core ({string.Join(", ", databases.Select(d => d.Provider))}, in parallel)");
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(databases.SelectMany(d => new[]
            {
                Task.Run(() => ClaimSeeder.SeedAsync(d.Provider, d.Large, options.Claims)),
                Task.Run(() => ClaimSeeder.SeedAsync(d.Provider, d.Small, options.SmallClaims)),
            }));
            _notes.Add($"Seeding {options.Claims:N0} + {options.SmallClaims:N0} claims into each of {databases.Count} database(s), in parallel, took {clock.Elapsed.TotalSeconds:N0} s " +
                       "(Claim.Submit, triage, a verdict proposed and confirmed by a second reviewer, so every claim is decided; one in ten with two accepted " +
                       "evidence items and a Fair verdict, the others Weak; one in ten assigned; one audit entry per claim).");
            log($"seeded in {clock.Elapsed.TotalSeconds:N0} s");

            foreach (var database in databases)
                figures.AddRange(await RunProviderAsync(database, useWrk));
        }
        finally
        {
            cluster?.Dispose();
        }
        return figures;
    }

    /// <param name="ServerPid">The PostgreSQL server's postmaster (its backends are its children), none for SQLite.</param>
    private sealed record Databases(DatabaseProvider Provider, string Folder, string Large, string Small, int? ServerPid);

    private Databases Prepare(DatabaseProvider provider, PostgresCluster? cluster)
    {
        var folder = Path.Combine(options.WorkFolder, provider.ToString().ToLowerInvariant());
        Directory.CreateDirectory(folder);
        string Database(string name) => provider == DatabaseProvider.Sqlite
            ? $"Data Source={Path.Combine(folder, name + ".db")}"
            : cluster!.CreateDatabase(name, commandTimeoutSeconds: 120);
        return new Databases(provider, folder, Database("bench_large"), Database("bench_small"), cluster?.ServerPid);
    }

    private static string Section(DatabaseProvider provider) => $"HTTP, {provider}";

    private async Task<IReadOnlyList<Figure>> RunProviderAsync(Databases database, bool useWrk)
    {
        var (provider, folder, large, small, serverPid) = database;
        var section = Section(provider);
        CheckFloorSql(provider);

        var figures = new List<Figure>();
        var results = new Dictionary<string, LoadResult>();
        LoadContext context;
        await using (var api = await ApiHost.StartAsync(provider, large, folder, backgroundJobs: false))
        await using (var floor = await FloorProcess.StartAsync(provider, large, folder))
        {
            context = new LoadContext(
                await ClaimSeeder.SampleClaimIdsAsync(provider, large, 2000),
                new Dictionary<string, string>
                {
                    ["Reviewer"] = await api.StaffTokenAsync("Reviewer"),
                    ["Investigator"] = await api.StaffTokenAsync("Investigator"),
                    [LoadContext.Partner] = await api.PartnerKeyAsync("Restricted"),
                },
                HttpFigure.KidalClaim());
            await CompareAnswersAsync(provider, api, floor.BaseAddress, context);
            await WarmUpAsync(provider, api.Process.BaseAddress, floor.BaseAddress, context, useWrk, folder);
            // Issue 18's baselines: the bare host (health, stored JSON) and the conditional read.
            await using var bareHost = await BareBaselines.StartAsync(provider, large, folder, api, context);
            foreach (var request in new[] { BareBaselines.Health() }.Concat(HttpFigure.All.Where(f => BareBaselines.HasStoredJson(f.Name)).Select(f => bareHost.StoredJsonRequest(f.Name, context))))
                await ClosedLoopAsync(bareHost.BaseAddress, request, options.ServerWarmup, useWrk, folder);
            if (options.Wants(BareBaselines.HealthName))
            {
                log($"{provider}: {BareBaselines.HealthName}");
                var health = await PairedAsync(api.Process.BaseAddress, BareBaselines.Health(), bareHost.BaseAddress, BareBaselines.Health(), useWrk, folder);
                log($"  ours: {health.Ours}\n  bare: {health.Bare}\n  {health.Detail}");
                Keep(figures, BareBaselines.HealthFigure(section, health));
            }
            foreach (var figure in HttpFigure.All)
            {
                if (!options.Wants(figure.Name) && !(figure == HttpFigure.All[0] && options.Wants("conditional")))
                    continue;
                if (figure.NotAvailable is { } reason)
                {
                    Keep(figures, Figure.Missing(section, figure.Name, reason, figure.TargetText));
                    continue;
                }
                log($"{provider}: {figure.Name}");
                var (ours, oursCpu) = await MeasureOursAsync(api.Process.BaseAddress, api.Process.Pid, serverPid, figure.Ours!(context), useWrk, folder);
                log($"  ours:  {ours}; {oursCpu}");
                var bare = await MeasureAsync(floor.BaseAddress, figure.Floor!(context), useWrk, folder);
                log($"  floor: {bare}");
                results[figure.Name] = ours;
                Keep(figures, new Figure
                {
                    Section = section,
                    Name = figure.Name,
                    Value = ours.Throughput,
                    Unit = "req/s",
                    ValueDetail = Latencies(ours) + "; " + oursCpu,
                    Baseline = bare.Throughput,
                    BaselineName = "floor",
                    BaselineDetail = Latencies(bare),
                    Ratio = bare.Throughput > 0 ? ours.Throughput / bare.Throughput : null,
                    RatioMeaning = "ours ÷ floor",
                    TargetKind = TargetKind.AtLeast,
                    Target = figure.Target,
                    TargetText = figure.TargetText,
                });
                if (BareBaselines.HasStoredJson(figure.Name))
                {
                    // Ours again, in rounds alternating with the bare host (PairedRounds): the ratio is the rounds' median.
                    var stored = await PairedAsync(api.Process.BaseAddress, figure.Ours!(context), bareHost.BaseAddress,
                        bareHost.StoredJsonRequest(figure.Name, context), useWrk, folder);
                    log($"  ours (paired): {stored.Ours}\n  stored JSON: {stored.Bare}\n  {stored.Detail}");
                    Keep(figures, BareBaselines.StoredJsonFigure(section, figure.Name, stored));
                }
                if (figure == HttpFigure.All[0] && bareHost.CanMeasureConditional)
                {
                    // The 304's CPU per request on its own, then its ratio to the read from alternating rounds of the two
                    // on the same API (PairedRounds, as the stored-JSON figures): measured once after the paired rounds
                    // against the bare host, the 304 came out dearer per request than the full read in the run of
                    // fee5173 while every quick run found it cheaper (docs/performance-changes.md, seventh round).
                    var (conditional, conditionalCpu) = await MeasureOursAsync(api.Process.BaseAddress, api.Process.Pid, serverPid, bareHost.Conditional(context), useWrk, folder);
                    log($"  conditional: {conditional}; {conditionalCpu}");
                    var rounds = await PairedAsync(api.Process.BaseAddress, bareHost.Conditional(context), api.Process.BaseAddress, figure.Ours!(context), useWrk, folder);
                    log($"  conditional and read in rounds: {rounds.Ours} and {rounds.Bare}\n  {rounds.DetailAs(BareBaselines.ConditionalRoundsName)}");
                    Keep(figures, bareHost.ConditionalFigure(section, rounds,
                        conditionalAlone: $"{conditional.Throughput:N0} req/s, {conditionalCpu}", readAlone: $"{ours.Throughput:N0} req/s, {oursCpu}"));
                    // Beside it, with no target of its own: the 304 against the bare host's stored JSON by id, the form of the
                    // other reads' figures. Since the read side a full read copies stored bytes and costs a 304 plus the body's
                    // few percent, so "304 ÷ read" measures how dear the read still is; this says what a 304 costs.
                    var againstBare = await PairedAsync(api.Process.BaseAddress, bareHost.Conditional(context), bareHost.BaseAddress,
                        bareHost.StoredJsonRequest(figure.Name, context), useWrk, folder);
                    log($"  conditional (paired): {againstBare.Ours}\n  stored JSON: {againstBare.Bare}\n  {againstBare.Detail}");
                    Keep(figures, BareBaselines.ConditionalAgainstStoredJson(section, againstBare));
                }
            }

            // p99 at 70% of peak: the closed-loop peak, the open-loop peak searched from it, then a constant 70% of the
            // open-loop peak; the same for the bare host's stored-JSON read, as a reference for what the machine and the
            // driver allow.
            if (options.Wants("p99 latency at 70% of peak"))
            {
                log($"{provider}: p99 at 70% of peak (read one claim)");
                var ours = await AtSeventyPercentAsync(provider, "api", api.Process.BaseAddress, api.Process.Pid, HttpFigure.All[0].Ours!(context));
                var bare = await AtSeventyPercentAsync(provider, "bare", bareHost.BaseAddress, bareHost.Pid, bareHost.StoredJsonRequest(HttpFigure.All[0].Name, context));
                var steady = ours.Steady;
                Keep(figures, new Figure
                {
                    Section = section,
                    Name = "p99 latency at 70% of peak (read one claim)",
                    Value = steady.Result.P99Ms,
                    Unit = "ms",
                    ValueDetail = $"at {steady.Result.Throughput:N0} req/s constant: 70% of the open-loop peak {ours.OpenPeak.Rate:N0} req/s " +
                                  $"({PeakDetail(ours)}); {steady.Result.Errors:N0} errors; " +
                                  $"{steady.Analysis.SlowRequests:N0} requests over 5 × p50 in {steady.Analysis.SlowWindows} windows of {ConstantRateRun.WindowMs} ms" +
                                  (ours.SteadyCpu is not { } steadyCpu || ours.PeakCpu is not { } peakCpu ? string.Empty :
                                      $"; machine {steadyCpu.MachineCores:N2} of {CpuUse.MachineCpus.Value} cores busy during it (API {steadyCpu.ServerMicrosPerRequest:N0} µs, " +
                                      $"driver {steadyCpu.DriverMicrosPerRequest:N0} µs of CPU per request; at the closed-loop peak {peakCpu.ServerMicrosPerRequest:N0} and {peakCpu.DriverMicrosPerRequest:N0} µs)"),
                    Baseline = steady.Result.P50Ms,
                    BaselineName = "p50, same run",
                    BaselineDetail = $"bare host (stored JSON, no auth) measured the same way: p99 ÷ p50 {Ratio(bare.Steady.Result):N2} " +
                                     $"(p50 {bare.Steady.Result.P50Ms:N2} ms, p99 {bare.Steady.Result.P99Ms:N2} ms at {bare.Steady.Result.Throughput:N0} req/s, " +
                                     $"70% of its open-loop peak {bare.OpenPeak.Rate:N0} req/s; {PeakDetail(bare)}" +
                                     (bare.SteadyCpu is { } bareCpu ? $"; machine {bareCpu.MachineCores:N2} cores busy" : string.Empty) + ")",
                    Ratio = steady.Result.P50Ms > 0 ? Ratio(steady.Result) : null,
                    RatioMeaning = "p99 ÷ p50",
                    TargetKind = TargetKind.AtMost,
                    Target = 5,
                    TargetText = "p99 ≤ 5 × p50",
                    Note = P99Note,
                });
            }
        }

        // The list page on a database of SmallClaims, against the large one measured above.
        var listName = HttpFigure.All[1].Name;
        if (results.TryGetValue(listName, out var largeList) && options.Wants("list page at"))
        {
            log($"{provider}: list page of 50 at {options.SmallClaims:N0} claims");
            await using var api = await ApiHost.StartAsync(provider, small, folder, backgroundJobs: false);
            var smallContext = context with { Tokens = new Dictionary<string, string> { ["Reviewer"] = await api.StaffTokenAsync("Reviewer") } };
            // A fresh process: warmed up like the first one, or the comparison measures the JIT at 1,000 claims only.
            var smallRequest = HttpFigure.All[1].Ours!(smallContext);
            await ClosedLoopAsync(api.Process.BaseAddress, smallRequest, options.ServerWarmup, useWrk, folder);
            var smallList = await MeasureAsync(api.Process.BaseAddress, smallRequest, useWrk, folder);
            log($"  ours at {options.SmallClaims:N0}: {smallList}");
            Keep(figures, new Figure
            {
                Section = section,
                Name = $"list page at {options.Claims:N0} vs {options.SmallClaims:N0} claims",
                Value = largeList.MeanMs,
                Unit = "ms",
                ValueDetail = $"mean time per page at {options.Claims:N0} claims ({largeList.Throughput:N0} req/s)",
                Baseline = smallList.MeanMs,
                BaselineName = $"at {options.SmallClaims:N0} claims",
                BaselineDetail = $"{smallList.Throughput:N0} req/s",
                Ratio = smallList.MeanMs > 0 ? largeList.MeanMs / smallList.MeanMs : null,
                RatioMeaning = "time ÷ time",
                TargetKind = TargetKind.AtMost,
                Target = 1.5,
                TargetText = "≤ 1.5 × the time",
            });
        }
        return figures;
    }

    private const string P99Note =
        "Open loop at a constant rate (own driver, up to 256 connections), latency counted from when each request was due " +
        "(or sent, if the driver sent it early). The rate is 70% of the open-loop peak: the highest constant rate the same driver " +
        "sustains: every request answered without error, answers at ≥ 98% of the rate, and rate × p50 no more than the closed-loop " +
        "peak's rate × p50 (by Little's law, no more requests in the system than the closed loop's 16 connections held at its peak); " +
        "it is found by probes of 3 s from 80% of the closed-loop peak (16 connections) in steps of 10% of it, then one halved step; never above " +
        "the closed-loop peak. Until the fifth round the rate was 70% of the closed-loop peak itself, which under one-by-one arrivals " +
        "left the machine no headroom; the detail keeps the closed-loop peak and that old rate for comparison. The bare host's line " +
        "is the same search and phase against its stored-JSON read: what the machine and the driver allow.";

    /// <summary>The closed-loop peak, the old rule's rate beside it, and the search's probes.</summary>
    private static string PeakDetail(SeventyPercent run) =>
        $"{run.OpenPeak.Share:P0} of the closed-loop peak {run.ClosedPeak.Throughput:N0} req/s, p50 {run.ClosedPeak.P50Ms:N2} ms; " +
        $"the old rule's rate, 70% of that, {Share * run.ClosedPeak.Throughput:N0} req/s" +
        (run.OpenPeak.Found ? string.Empty : "; no probe sustained, the lowest step was used") +
        $"; probes: {run.OpenPeak.Describe()}";

    private static double Ratio(LoadResult r) => r.P50Ms > 0 ? r.P99Ms / r.P50Ms : 0;

    /// <summary>
    /// The closed-loop peak (after a warm-up), the open-loop peak searched from it (<see cref="OpenLoopPeak"/>), then
    /// 70% of the open-loop peak at a constant rate; logs where the slow requests' time went and writes the timeline to
    /// artifacts/p99-timeline-{provider}-{host}.csv.
    /// </summary>
    private async Task<SeventyPercent> AtSeventyPercentAsync(DatabaseProvider provider, string host, Uri baseAddress, int serverPid, LoadRequest read)
    {
        await LoadDriver.ClosedLoopAsync(baseAddress, read, options.Connections, options.Warmup, options.MaxRequests);
        var cpu = CpuUse.Start(serverPid);
        var peak = await LoadDriver.ClosedLoopAsync(baseAddress, read, options.Connections, options.Duration, options.MaxRequests);
        var peakCpu = cpu.Stop(peak.Requests);
        log($"  {host} peak (closed loop):  {peak}\n    {peakCpu}");
        var openPeak = await OpenLoopPeak.FindAsync(peak, async rate =>
        {
            var probe = await LoadDriver.ConstantRateAsync(baseAddress, read, rate, ProbeDuration, OpenLoopConnections, ProbeWarmup);
            log($"    probe at {rate:N0} req/s: {probe.Result}");
            return probe.Result;
        });
        log($"  {host} peak (open loop): {openPeak.Rate:N0} req/s, {openPeak.Share:P0} of the closed-loop peak{(openPeak.Found ? string.Empty : " (no probe sustained: the lowest step)")}; probes: {openPeak.Describe()}");
        CpuSpent? spent = null;
        var steady = await LoadDriver.ConstantRateAsync(baseAddress, read, Share * openPeak.Rate, options.Duration, OpenLoopConnections, warmup: options.Warmup,
            measuring: () => cpu = CpuUse.Start(serverPid), measured: requests => spent = cpu.Stop(requests));
        log($"  {host} 70%:   {steady.Result}; p99 ÷ p50 {Ratio(steady.Result):N2}\n    {spent}\n{steady.Analysis.Summary}");
        Directory.CreateDirectory(RepoPaths.Artifacts);
        var timeline = Path.Combine(RepoPaths.Artifacts, $"p99-timeline-{provider.ToString().ToLowerInvariant()}-{host}.csv");
        await File.WriteAllTextAsync(timeline, steady.Analysis.TimelineCsv);
        log($"    timeline: {timeline}");
        return new SeventyPercent(peak, openPeak, steady, peakCpu, spent);
    }

    private const double Share = 0.7;
    private const int OpenLoopConnections = 256;

    /// <summary>A probe of the open-loop search: long enough for a queue to show in its median, short enough for 5–9 of them.</summary>
    private TimeSpan ProbeDuration => options.Duration < TimeSpan.FromSeconds(3) ? options.Duration : TimeSpan.FromSeconds(3);

    /// <summary>Opens the probe's connections; the server is warm by then.</summary>
    private TimeSpan ProbeWarmup => options.Warmup < TimeSpan.FromSeconds(1) ? options.Warmup : TimeSpan.FromSeconds(1);

    private sealed record SeventyPercent(LoadResult ClosedPeak, OpenLoopPeak.Outcome OpenPeak, ConstantRateRun Steady, CpuSpent? PeakCpu, CpuSpent? SteadyCpu);

    /// <summary>Keeps a figure and reports it at once, so a run that is cut short still leaves what it measured.</summary>
    private void Keep(List<Figure> figures, Figure figure)
    {
        figures.Add(figure);
        measured?.Invoke(figure);
    }

    private async Task<LoadResult> MeasureAsync(Uri baseAddress, LoadRequest request, bool useWrk, string folder)
    {
        await ClosedLoopAsync(baseAddress, request, options.Warmup, useWrk, folder);
        return await ClosedLoopAsync(baseAddress, request, options.Duration, useWrk, folder);
    }

    /// <summary>
    /// <see cref="MeasureAsync"/> for the API, with the CPU time it spent per request over the measured window (and, on
    /// PostgreSQL, the database server's: postmaster and backends). Throughput on two shared cores moves with whatever
    /// else runs; CPU per request moves much less, so it is what tells two builds apart.
    /// </summary>
    private async Task<(LoadResult Result, RequestCpu Cpu)> MeasureOursAsync(Uri baseAddress, int apiPid, int? databasePid, LoadRequest request, bool useWrk, string folder)
    {
        await ClosedLoopAsync(baseAddress, request, options.Warmup, useWrk, folder);
        var api = CpuUse.ProcessSeconds(apiPid);
        var database = databasePid is { } before ? CpuUse.TreeSeconds(before) : 0;
        var result = await ClosedLoopAsync(baseAddress, request, options.Duration, useWrk, folder);
        var perRequest = 1e6 / Math.Max(1, result.Requests);
        return (result, new RequestCpu((CpuUse.ProcessSeconds(apiPid) - api) * perRequest,
            databasePid is { } after ? (CpuUse.TreeSeconds(after) - database) * perRequest : null));
    }

    private sealed record RequestCpu(double ApiMicros, double? DatabaseMicros)
    {
        public override string ToString() =>
            $"CPU per request: API {ApiMicros:N0} µs" + (DatabaseMicros is { } d ? $", PostgreSQL server {d:N0} µs" : string.Empty);
    }

    /// <summary>A "÷ bare host" figure: both hosts in alternating rounds (<see cref="PairedRounds"/>).</summary>
    private Task<PairedRounds.Result> PairedAsync(Uri ours, LoadRequest oursRequest, Uri bare, LoadRequest bareRequest, bool useWrk, string folder) =>
        PairedRounds.MeasureAsync((host, request, duration) => ClosedLoopAsync(host, request, duration, useWrk, folder),
            ours, oursRequest, bare, bareRequest, options.Warmup, options.Duration);

    /// <summary>Closed-loop load for a while, with wrk when it is there, else with this program's own driver.</summary>
    private Task<LoadResult> ClosedLoopAsync(Uri baseAddress, LoadRequest request, TimeSpan duration, bool useWrk, string folder) =>
        useWrk
            ? Wrk.RunAsync(baseAddress, request, options.Connections, duration, options.MaxRequests, folder)
            : LoadDriver.ClosedLoopAsync(baseAddress, request, options.Connections, duration, options.MaxRequests);

    /// <summary>
    /// Both hosts serve every figure's requests for a while before anything is measured. A freshly started .NET server
    /// runs its code first unoptimised and recompiles what is hot in the background (tiered compilation); on two
    /// shared cores that took well over the per-figure warm-up for the API, which has far more code on each path than
    /// the floor, so the first figures measured the JIT. Servers in use run for days: the figures are of that state.
    /// </summary>
    private async Task WarmUpAsync(DatabaseProvider provider, Uri api, Uri floor, LoadContext context, bool useWrk, string folder)
    {
        log($"{provider}: warming both hosts up ({options.ServerWarmup.TotalSeconds:0} s per route and host)");
        foreach (var figure in HttpFigure.All.Where(f => f.NotAvailable is null))
        {
            foreach (var (host, request) in new[] { (api, figure.Ours!(context)), (floor, figure.Floor!(context)) })
                await ClosedLoopAsync(host, request, options.ServerWarmup, useWrk, folder);
        }
        var note = $"Before the first figure, both hosts served each figure's requests for {options.ServerWarmup.TotalSeconds:0} s (tiered compilation " +
                   $"settles); each figure then has its own {options.Warmup.TotalSeconds:0} s of warm-up before its {options.Duration.TotalSeconds:0} s of measurement.";
        if (!_notes.Contains(note))
            _notes.Add(note);
    }

    private static string Latencies(LoadResult r) =>
        $"p50 {r.P50Ms:N2} ms, p99 {r.P99Ms:N2} ms" + (r.Errors > 0 ? $", {r.Errors:N0} errors of {r.Requests:N0}" : string.Empty);

    /// <summary>Both hosts must answer a read and a list page with the same JSON, or the comparison is not like for like.</summary>
    private async Task CompareAnswersAsync(DatabaseProvider provider, ApiHost api, Uri floor, LoadContext context)
    {
        using var ours = api.Client(context.Tokens["Reviewer"]);
        using var bare = new HttpClient { BaseAddress = floor };
        using var partner = api.PartnerClient(context.Tokens[LoadContext.Partner]);
        var same = true;
        foreach (var path in new[] { $"/api/v1/claims/{context.ClaimIds[0]}", $"/api/v1/claims/{context.ClaimIds[1]}", "/api/v1/claims?limit=50" })
            same &= await ours.GetStringAsync(path) == await bare.GetStringAsync(path);
        // The partner page must be a real page (50 decided claims, some with evidence) and the same bytes on both hosts.
        const string partnerPage = "/api/v1/partner/claims?limit=50";
        var partnerJson = await partner.GetStringAsync(partnerPage);
        var partnerItems = System.Text.Json.JsonDocument.Parse(partnerJson).RootElement.GetProperty("items");
        if (partnerItems.GetArrayLength() != 50 || !partnerItems.EnumerateArray().Any(c => c.GetProperty("evidence").GetArrayLength() > 0))
            throw new InvalidOperationException($"{provider}: the partner page is not a page of 50 decided claims with evidence; the seeding is wrong.");
        same &= partnerJson == await bare.GetStringAsync(partnerPage);
        var note = same
            ? $"{provider}: the API and the floor answer a read, a list page and a partner page with byte-identical JSON (checked in this run)."
            : $"{provider}: WARNING: the API's and the floor's JSON differ for the same read; the comparison is not like for like.";
        _notes.Add(note);
        log(note);
    }

    /// <summary>The floor's copies of the read statements must still be what EF Core generates for the API.</summary>
    private void CheckFloorSql(DatabaseProvider provider)
    {
        var read = EfSql.SameStatement(FloorSql.ReadOneClaim(provider), EfSql.ReadOneClaim(provider).Replace("LIMIT @p", "LIMIT 1", StringComparison.Ordinal));
        var list = EfSql.SameStatement(FloorSql.ListFirstPage(provider), EfSql.ListFirstPage(provider));
        var partner = EfSql.SameStatement(FloorSql.PartnerFirstPage(provider), EfSql.PartnerFirstPage(provider));
        var note = read && list && partner
            ? $"{provider}: the floor's read, list and partner page SQL is the SQL EF Core generates for the API (checked in this run)."
            : $"{provider}: WARNING: the floor's SQL differs from what EF Core now generates (read {Same(read)}, list {Same(list)}, partner page {Same(partner)}); run `-- sql` and update FloorSql.";
        _notes.Add(note);
        log(note);
    }

    private static string Same(bool same) => same ? "same" : "differs";
}
