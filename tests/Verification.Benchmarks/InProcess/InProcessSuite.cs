using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using Perfolizer.Horology;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Verification.Benchmarks.Hosting;
using Verification.Benchmarks.Report;

namespace Verification.Benchmarks.InProcess;

/// <summary>
/// The in-process benchmarks with BenchmarkDotNet, in a short job (one launch, few iterations) run inside this
/// process (in-process emit toolchain: no project generated and built per class), so the suite takes a minute or two.
/// </summary>
public sealed class InProcessSuite(BenchOptions options, Action<string> log)
{
    public const string Section = "In-process (BenchmarkDotNet)";

    public IReadOnlyList<Figure> Run()
    {
        var folder = Path.Combine(RepoPaths.Artifacts, "bdn");
        Directory.CreateDirectory(folder);
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(options.Quick ? 1 : 3)
            .WithIterationCount(options.Quick ? 3 : 8)
            .WithIterationTime(TimeInterval.FromMilliseconds(options.Quick ? 100 : 250))
            .WithId("short");
        var logPath = Path.Combine(folder, "benchmarks.log");
        using var logger = new StreamLogger(logPath);
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddExporter(MarkdownExporter.GitHub)
            .AddLogger(logger);
        config.ArtifactsPath = folder;
        log($"in-process: BenchmarkDotNet (log: {logPath})");
        var summaries = BenchmarkRunner.Run([typeof(AuditChainBenchmarks), typeof(StageMachineBenchmarks), typeof(JsonBenchmarks)], config);
        var results = summaries.SelectMany(s => s.Reports).ToDictionary(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name);
        foreach (var (name, report) in results)
            log($"  {name}: {Mean(report):N1} ns, {Allocated(report)}");

        double? Time(string method) => results.TryGetValue(method, out var r) ? Mean(r) : null;
        string Detail(string method) => results.TryGetValue(method, out var r) ? Allocated(r) : "no result";
        double? Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? x / y : null;
        double? PerSecond(double? ns, int count) => ns is { } t && t > 0 ? count / (t / 1e9) : null;

        var verify = PerSecond(Time(nameof(AuditChainBenchmarks.Verify)), AuditChainBenchmarks.ChainLength);
        var rawVerify = PerSecond(Time(nameof(AuditChainBenchmarks.Sha256OfChain)), AuditChainBenchmarks.ChainLength);
        return
        [
            new Figure
            {
                Section = Section, Name = "audit chain: append one entry (AuditEntry.Append)",
                Value = Time(nameof(AuditChainBenchmarks.Append)), Unit = "ns", ValueDetail = Detail(nameof(AuditChainBenchmarks.Append)),
                Baseline = Time(nameof(AuditChainBenchmarks.Sha256OfOneEntry)), BaselineName = "SHA256.HashData over its canonical bytes",
                BaselineDetail = Detail(nameof(AuditChainBenchmarks.Sha256OfOneEntry)),
                Ratio = Ratio(Time(nameof(AuditChainBenchmarks.Append)), Time(nameof(AuditChainBenchmarks.Sha256OfOneEntry))), RatioMeaning = "time ÷ time",
                TargetText = "none in the issue",
            },
            new Figure
            {
                Section = Section, Name = "audit chain: append one entry covering a claim's state",
                Value = Time(nameof(AuditChainBenchmarks.AppendCoveringAClaim)), Unit = "ns", ValueDetail = Detail(nameof(AuditChainBenchmarks.AppendCoveringAClaim)),
                Baseline = Time(nameof(AuditChainBenchmarks.Sha256OfOneEntry)), BaselineName = "SHA256.HashData over one entry's canonical bytes",
                BaselineDetail = Detail(nameof(AuditChainBenchmarks.Sha256OfOneEntry)),
                Ratio = Ratio(Time(nameof(AuditChainBenchmarks.AppendCoveringAClaim)), Time(nameof(AuditChainBenchmarks.Sha256OfOneEntry))), RatioMeaning = "time ÷ time",
                TargetText = "none in the issue",
            },
            new Figure
            {
                Section = Section, Name = $"audit chain: verify {AuditChainBenchmarks.ChainLength:N0} entries (AuditChainVerifier)",
                Value = verify, Unit = "entries/s", ValueDetail = $"{Time(nameof(AuditChainBenchmarks.Verify)) / 1e6:N2} ms per walk; " + Detail(nameof(AuditChainBenchmarks.Verify)),
                Baseline = rawVerify, BaselineName = "SHA256.HashData over the same bytes",
                Ratio = Ratio(verify, rawVerify), RatioMeaning = "entries/s ÷ entries/s",
                TargetKind = TargetKind.AtLeast, Target = 0.5, TargetText = "≥ 0.5 × raw SHA-256",
            },
            new Figure
            {
                Section = Section, Name = "canonical encoding of one audit entry",
                Value = Time(nameof(AuditChainBenchmarks.CanonicalEncoding)), Unit = "ns", ValueDetail = Detail(nameof(AuditChainBenchmarks.CanonicalEncoding)),
                Baseline = Time(nameof(AuditChainBenchmarks.HandWrittenCanonicalEncoding)), BaselineName = "hand-written span encoder, same bytes",
                BaselineDetail = Detail(nameof(AuditChainBenchmarks.HandWrittenCanonicalEncoding)),
                Ratio = Ratio(Time(nameof(AuditChainBenchmarks.CanonicalEncoding)), Time(nameof(AuditChainBenchmarks.HandWrittenCanonicalEncoding))),
                RatioMeaning = "time ÷ time", TargetText = "none in the issue",
            },
            new Figure
            {
                Section = Section, Name = "claim stage machine: submit → triage → propose → confirm",
                Value = Time(nameof(StageMachineBenchmarks.SubmitTriageProposeConfirm)), Unit = "ns",
                ValueDetail = Detail(nameof(StageMachineBenchmarks.SubmitTriageProposeConfirm)),
                BaselineName = "none", TargetText = "none in the issue",
            },
            new Figure
            {
                Section = Section, Name = "JSON: one decided ClaimResponse, API serializer options",
                Value = Time(nameof(JsonBenchmarks.Serializer)), Unit = "ns", ValueDetail = Detail(nameof(JsonBenchmarks.Serializer)),
                Baseline = Time(nameof(JsonBenchmarks.HandWritten)), BaselineName = "hand-written Utf8JsonWriter, same bytes",
                BaselineDetail = Detail(nameof(JsonBenchmarks.HandWritten)),
                Ratio = Ratio(Time(nameof(JsonBenchmarks.Serializer)), Time(nameof(JsonBenchmarks.HandWritten))), RatioMeaning = "time ÷ time",
                TargetText = "none in the issue",
            },
        ];
    }

    private static double Mean(BenchmarkReport report) => report.ResultStatistics?.Mean ?? double.NaN;

    private static string Allocated(BenchmarkReport report) =>
        report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) is { } bytes ? $"{bytes:N0} B allocated per operation" : "allocations unknown";
}
