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

    private static readonly string[] ValueOptions =
        ["--claims", "--small-claims", "--server-warmup", "--seconds", "--connections", "--upload-mib", "--providers", "--import-rows", "--only", "--work"];

    private static readonly string[] Switches = ["--quick", "--no-wrk", "--keep"];

    /// <summary>
    /// An option this program does not know, or a value option without its value, or null. An unknown option (a typo,
    /// or --help) used to be ignored, and the run went on as the full 22-minute benchmark.
    /// </summary>
    public static string? Unknown(IReadOnlyList<string> args)
    {
        for (var i = args.Count > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? 1 : 0; i < args.Count; i++)
        {
            if (ValueOptions.Contains(args[i]))
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
            var value = args[i + 1];
            options = args[i] switch
            {
                "--claims" => options with { Claims = int.Parse(value, CultureInfo.InvariantCulture) },
                "--small-claims" => options with { SmallClaims = int.Parse(value, CultureInfo.InvariantCulture) },
                "--server-warmup" => options with { ServerWarmup = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--seconds" => options with { Duration = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--connections" => options with { Connections = int.Parse(value, CultureInfo.InvariantCulture) },
                "--upload-mib" => options with { UploadBytes = long.Parse(value, CultureInfo.InvariantCulture) << 20 },
                "--providers" => options with { Providers = [.. value.Split(',').Select(p => Enum.Parse<DatabaseProvider>(p, ignoreCase: true))] },
                "--import-rows" => options with { ImportRows = int.Parse(value, CultureInfo.InvariantCulture) },
                "--only" => options with { Only = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] },
                "--work" => options with { WorkFolder = Path.GetFullPath(value) },
                _ => options,
            };
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
