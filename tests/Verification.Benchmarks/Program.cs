using System.Diagnostics;
using Verification.Benchmarks;
using Verification.Benchmarks.Floor;
using Verification.Benchmarks.Hosting;
using Verification.Benchmarks.InProcess;
using Verification.Benchmarks.Load;
using Verification.Benchmarks.Report;
using Verification.Benchmarks.Streams;
using Verification.Persistence;

// Usage: `-- --help` prints it (Usage(), at the end of this file).

// The load driver's socket completions run inline on the runtime's socket threads: the driver's continuations are a
// few stores and a semaphore release, and without the hop to the thread pool the driver spent 30–45% less CPU per
// request (fifth round, docs/performance-changes.md), CPU the server under test shares two cores with. Set before any
// socket is used (the runtime reads it once); the servers under test are started without it (ServerProcess), and
// DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 in the environment turns it off for a comparison.
if (args.Length == 0 || args[0] is "http" or "all" || args[0].StartsWith("--", StringComparison.Ordinal))
{
    if (Environment.GetEnvironmentVariable(ServerProcess.InlineCompletions) is null)
        Environment.SetEnvironmentVariable(ServerProcess.InlineCompletions, "1");
}

if (args.Length > 0 && args[0] is "help" or "--help" or "-h")
{
    Console.WriteLine(Usage());
    return 0;
}

if (args.Length > 0 && args[0] == "search")
    return await Verification.Benchmarks.Search.SearchSuite.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "floor")
    return await FloorHost.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "bare")
    return await BareHost.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "sql")
{
    foreach (var provider in new[] { DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql })
    {
        Console.WriteLine($"-- {provider}: read one claim (floor copy {(EfSql.SameStatement(FloorSql.ReadOneClaim(provider), EfSql.ReadOneClaim(provider).Replace("LIMIT @p", "LIMIT 1", StringComparison.Ordinal)) ? "matches" : "DIFFERS")})");
        Console.WriteLine(EfSql.ReadOneClaim(provider));
        Console.WriteLine($"-- {provider}: list, first page (floor copy {(EfSql.SameStatement(FloorSql.ListFirstPage(provider), EfSql.ListFirstPage(provider)) ? "matches" : "DIFFERS")})");
        Console.WriteLine(EfSql.ListFirstPage(provider));
        Console.WriteLine($"-- {provider}: list after a cursor (floor copy {(EfSql.SameStatement(FloorSql.ListAfterCursor(provider), EfSql.ListAfterCursor(provider)) ? "matches" : "DIFFERS")})");
        Console.WriteLine(EfSql.ListAfterCursor(provider));
        Console.WriteLine($"-- {provider}: partner page (floor copy {(EfSql.SameStatement(FloorSql.PartnerFirstPage(provider), EfSql.PartnerFirstPage(provider)) ? "matches" : "DIFFERS")})");
        Console.WriteLine(EfSql.PartnerFirstPage(provider));
        foreach (var (name, sql) in EfSql.DocumentReads(provider))
            Console.WriteLine($"-- {provider}: {name} (what the API sends now)\n{sql}");
    }
    return 0;
}

if (args.Length > 1 && args[0] == "seed")
{
    // Times the bulk seeding alone: seed N [Sqlite|PostgreSql]
    var seedProvider = args.Length > 2 ? Enum.Parse<DatabaseProvider>(args[2], ignoreCase: true) : DatabaseProvider.Sqlite;
    using var seedCluster = seedProvider == DatabaseProvider.PostgreSql ? PostgresCluster.Start("verification-bench-pg-") : null;
    var seedFile = Path.Combine(Path.GetTempPath(), $"verification-seed-{Guid.NewGuid():N}.db");
    var seedConnection = seedCluster?.CreateDatabase("seed_timing", commandTimeoutSeconds: 120) ?? $"Data Source={seedFile}";
    var took = await Verification.Benchmarks.Seeding.ClaimSeeder.SeedAsync(seedProvider, seedConnection, int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
    Console.WriteLine($"seeded {args[1]} claims ({seedProvider}) in {took.TotalSeconds:N1} s");
    foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(seedFile) + "*"))
        File.Delete(file);
    return 0;
}

if (BenchOptions.Unknown(args) is { } unknown)
{
    Console.Error.WriteLine($"Unknown or incomplete option: {unknown}.\n{Usage()}");
    return 2;
}
var options = BenchOptions.Parse(args);
if (options.Command is not ("all" or "http" or "inproc" or "streams" or "imports"))
{
    Console.Error.WriteLine($"Unknown command '{options.Command}': use all, http, inproc, streams, imports or sql.");
    return 2;
}
var clock = Stopwatch.StartNew();
void Log(string message) => Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {message}");

var startedAt = DateTime.UtcNow;
var machine = Machine.Describe();
Log($"Verification benchmarks: {options.Command}; {options.Describe()}");
// `dotnet run` leaves its build servers (MSBuild nodes, the compiler server) running for a while after the build; the
// in-process figures come first and shared the two cores with them (the sixth round's full run: the chain walk 0.41 of
// raw SHA-256 in it, 0.76 in a run of its own a minute later). Stopped before anything is measured.
using (var shutdown = Process.Start(new ProcessStartInfo("dotnet", "build-server shutdown") { RedirectStandardOutput = true, RedirectStandardError = true }))
    shutdown?.WaitForExit(TimeSpan.FromSeconds(60));
Log($"{machine.Cores} cores, {machine.MemoryGiB:N1} GiB, {machine.Os}, {machine.DotNet}; load average {machine.LoadAtStart}");
if (!File.Exists(RepoPaths.ApiAssembly))
{
    Console.Error.WriteLine($"The API build is missing at {RepoPaths.ApiAssembly}; build in {RepoPaths.Configuration} first (dotnet run builds it).");
    return 1;
}
Directory.CreateDirectory(options.WorkFolder);

var figures = new List<Figure>();
var notes = new List<string>
{
    $"The API under test is the real build (src/Verification.Api, {RepoPaths.Configuration}) run as its own Kestrel process on 127.0.0.1 with its shipped " +
    "configuration (workstation GC since the fourth round, console request logging to a file); the floor and the bare host run as processes of their own with the same GC settings (a baseline runs as what it is compared with); the load generator is another. " +
    "The API hosts of the HTTP figures and the exports serve requests only (Jobs:RunServer=false, a shipped deployment shape): a recurring job " +
    "(the hourly search backfill, the duplicate flagger, the audit chain's walk) cannot start inside a measurement; the imports' host runs the jobs, as it must. " +
    "Seeded claims have their stored documents and search text, so no backfill has anything to do.",
};
var phases = new Dictionary<string, double>();
async Task Phase(string name, Func<Task> work)
{
    var started = clock.Elapsed;
    await work();
    phases[name] = Math.Round((clock.Elapsed - started).TotalSeconds, 1);
    Log($"phase {name} took {phases[name]:N0} s");
}

Directory.CreateDirectory(RepoPaths.Artifacts);
var official = options.Command == "all" && !options.Quick && options.Only.Count == 0;
var suffix = options.Command + (options.Quick ? "-quick" : string.Empty);
var markdownPath = official ? Path.Combine(RepoPaths.Root, "docs", "performance.md") : Path.Combine(RepoPaths.Artifacts, $"performance-{suffix}.md");
var jsonPath = Path.Combine(RepoPaths.Artifacts, official ? "perf.json" : $"perf-{suffix}.json");
var inFlight = new List<Figure>();
IReadOnlyList<string> liveNotes = [];

// The report is written after every figure, marked incomplete until the end: a run that is cut short (a killed
// process on a shared machine) still leaves everything it measured.
async Task WriteReportAsync(bool complete)
{
    var allNotes = notes.Concat(liveNotes).ToList();
    if (!complete)
        allNotes.Insert(0, "**INCOMPLETE RUN**: this report was written while the run was still going; the figures below are the ones measured before it stopped.");
    var run = new ReportWriter.Run(options.Command, options, machine, startedAt, clock.Elapsed, Machine.LoadAverage(), allNotes,
        [.. figures, .. inFlight], phases);
    await File.WriteAllTextAsync(markdownPath, ReportWriter.Markdown(run));
    await File.WriteAllTextAsync(jsonPath, ReportWriter.Json(run));
}

HttpSuite? http = null;
try
{
    if (options.Command is "all" or "inproc")
    {
        await Phase("in-process", () => { figures.AddRange(new InProcessSuite(options, Log).Run()); return Task.CompletedTask; });
        await WriteReportAsync(complete: false);
    }
    if (options.Command is "all" or "http")
    {
        await Phase("HTTP", async () =>
        {
            http = new HttpSuite(options, Log, f => { inFlight.Add(f); WriteReportAsync(complete: false).GetAwaiter().GetResult(); });
            liveNotes = http.Notes;
            var measured = await http.RunAsync();
            inFlight.Clear();
            liveNotes = [];
            figures.AddRange(measured);
            notes.AddRange(http.Notes);
        });
        await WriteReportAsync(complete: false);
    }
    if (options.Command is "all" or "streams")
    {
        await Phase("streams", async () => figures.AddRange(await new StreamsSuite(options, Log, http?.SqliteLarge).RunAsync()));
        notes.Add("Streams: each host's peak resident set (VmHWM in /proc/<pid>/status) is reset to its current size just before the upload " +
                  "and read just after; growth = peak after − resident before. The API and the floor both flush the file to disk (fsync). " +
                  "The same for each export, read to its last byte by a Restricted partner; its claims and Shared custody events are counted.");
    }
    if (options.Command is "all" or "imports")
    {
        await WriteReportAsync(complete: false);
        var imports = new Verification.Benchmarks.Imports.ImportSuite(options, Log);
        await Phase("imports", async () => figures.AddRange(await imports.RunAsync()));
        notes.AddRange(imports.Notes);
    }
}
finally
{
    if (!options.Keep)
    {
        try { Directory.Delete(options.WorkFolder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

await WriteReportAsync(complete: true);
Log($"Done in {clock.Elapsed.TotalMinutes:N1} min. Wrote {markdownPath} and {jsonPath}.");
foreach (var f in figures)
{
    var met = f.Met switch { true => "met", false => "MISSED", null => "-" };
    Console.WriteLine(f.NotMeasured is { } why
        ? $"  {f.Section} | {f.Name}: {why}"
        : $"  {f.Section} | {f.Name}: {f.Value:N2} {f.Unit} vs {f.Baseline:N2} -> ratio {f.Ratio:N2} [{met}]");
}
return 0;

static string Usage() => """
    dotnet run -c Release --project tests/Verification.Benchmarks -- all|http|inproc|streams|imports [--quick] [options]
      search [--claims N] [--requests R]: full-text and bbox search at 1,000,000 claims (or N); see Search/SearchSuite.cs
      all      everything; writes docs/performance.md and artifacts/perf.json
      http     HTTP load against the floor, SQLite and PostgreSQL   inproc  BenchmarkDotNet   streams  the large upload, exports
      imports  a UCDP CSV import of 100,000 rows against one of 10,000 (--import-rows N), SQLite and PostgreSQL
      sql      prints the SQL EF Core generates for the claim reads and whether the floor's copies still match
      floor    (internal) runs the floor host;  seed N [provider]  times the bulk seeding alone
    Partial and --quick runs write artifacts/performance-<command>.md and artifacts/perf-<command>.json instead.
    Options: --quick, --claims N, --small-claims N, --seconds S, --server-warmup S, --connections C, --upload-mib M,
             --import-rows N, --providers Sqlite,PostgreSql, --no-wrk (use the built-in driver), --work DIR, --keep (keep the scratch folder).
             --only "read one,health" (HTTP figures whose names contain one of these; a partial report),
    """;
