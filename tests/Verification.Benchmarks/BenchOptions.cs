using System.Globalization;
using Verification.Persistence;

namespace Verification.Benchmarks;

/// <summary>What one run measures and how long: the full run, or --quick with small counts for a smoke run.</summary>
public sealed record BenchOptions
{
    public required string Command { get; init; }
    public bool Quick { get; init; }
    public int Claims { get; init; } = 100_000;
    public int SmallClaims { get; init; } = 1_000;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Once per server start, per route and host, before any figure (see HttpSuite.WarmUpAsync).</summary>
    public TimeSpan ServerWarmup { get; init; } = TimeSpan.FromSeconds(8);
    public int Connections { get; init; } = 16;
    public long MaxRequests { get; init; } = 2_000_000;
    public long UploadBytes { get; init; } = 1L << 30;
    public IReadOnlyList<DatabaseProvider> Providers { get; init; } = [DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql];
    public bool UseWrk { get; init; } = true;

    /// <summary>
    /// <c>--only a,b</c>: measure only the HTTP figures whose names contain one of these (case-insensitive), for a quick
    /// before-and-after of one change; the report is then partial. Empty means every figure.
    /// </summary>
    public IReadOnlyList<string> Only { get; init; } = [];

    public bool Wants(string figureName) =>
        Only.Count == 0 || Only.Any(o => figureName.Contains(o, StringComparison.OrdinalIgnoreCase));

    /// <summary>Rows of the large UCDP CSV import (the `imports` command); the baseline import has a tenth of them.</summary>
    public int ImportRows { get; init; } = 100_000;

    /// <summary>Scratch space for databases, evidence and logs; deleted at the end unless --keep.</summary>
    public string WorkFolder { get; init; } = Path.Combine(Path.GetTempPath(), "verification-bench-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
    public bool Keep { get; init; }

    /// <summary>Each option that takes a value, and what it sets: one table for parsing and for refusing what is not in it.</summary>
    private static readonly Dictionary<string, Func<BenchOptions, string, BenchOptions>> ValueOptions = new(StringComparer.Ordinal)
    {
        ["--claims"] = (o, v) => o with { Claims = int.Parse(v, CultureInfo.InvariantCulture) },
        ["--small-claims"] = (o, v) => o with { SmallClaims = int.Parse(v, CultureInfo.InvariantCulture) },
        ["--server-warmup"] = (o, v) => o with { ServerWarmup = TimeSpan.FromSeconds(double.Parse(v, CultureInfo.InvariantCulture)) },
        ["--seconds"] = (o, v) => o with { Duration = TimeSpan.FromSeconds(double.Parse(v, CultureInfo.InvariantCulture)) },
        ["--connections"] = (o, v) => o with { Connections = int.Parse(v, CultureInfo.InvariantCulture) },
        ["--upload-mib"] = (o, v) => o with { UploadBytes = long.Parse(v, CultureInfo.InvariantCulture) << 20 },
        ["--providers"] = (o, v) => o with { Providers = [.. v.Split(',').Select(p => Enum.Parse<DatabaseProvider>(p, ignoreCase: true))] },
        ["--import-rows"] = (o, v) => o with { ImportRows = int.Parse(v, CultureInfo.InvariantCulture) },
        ["--only"] = (o, v) => o with { Only = [.. v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] },
        ["--work"] = (o, v) => o with { WorkFolder = Path.GetFullPath(v) },
    };

    private static readonly string[] Switches = ["--quick", "--no-wrk", "--keep"];

    /// <summary>
    /// An option this program does not know, or a value option without its value, or null. An unknown option (a typo,
    /// or --help) used to be ignored, and the run went on as the full 22-minute benchmark.
    /// </summary>
    public static string? Unknown(IReadOnlyList<string> args)
    {
        for (var i = args.Count > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? 1 : 0; i < args.Count; i++)
        {
            if (ValueOptions.ContainsKey(args[i]))
            {
                if (++i >= args.Count)
                    return args[i - 1] + " (needs a value)";
            }
            else if (!Switches.Contains(args[i]))
            {
                return args[i];
            }
        }
        return null;
    }

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var command = args.Count > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0].ToLowerInvariant() : "all";
        var options = new BenchOptions { Command = command };
        if (args.Contains("--quick"))
        {
            options = options with
            {
                Quick = true,
                Claims = 5_000,
                SmallClaims = 500,
                Duration = TimeSpan.FromSeconds(3),
                Warmup = TimeSpan.FromSeconds(1),
                ServerWarmup = TimeSpan.FromSeconds(2),
                UploadBytes = 64L << 20,
                ImportRows = 5_000,
            };
        }
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (ValueOptions.TryGetValue(args[i], out var set))
                options = set(options, args[++i]);
        }
        if (args.Contains("--no-wrk"))
            options = options with { UseWrk = false };
        if (args.Contains("--keep"))
            options = options with { Keep = true };
        return options;
    }

    public string Describe() =>
        $"{Claims:N0} claims (and {SmallClaims:N0} for the size comparison), {Duration.TotalSeconds:0} s per figure after {Warmup.TotalSeconds:0} s of warm-up, " +
        $"{Connections} connections, upload of {UploadBytes / (1 << 20):N0} MiB, import of {ImportRows:N0} rows" + (Quick ? " (--quick: a smoke run, not a measurement)" : string.Empty);
}
