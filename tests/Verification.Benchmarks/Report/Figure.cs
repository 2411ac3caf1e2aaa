namespace Verification.Benchmarks.Report;

/// <summary>How a ratio is judged against the target.</summary>
public enum TargetKind
{
    None,
    AtLeast,
    AtMost,
}

/// <summary>
/// One line of docs/performance.md: a measured value, the baseline it is compared with (measured in the same run),
/// their ratio, and the target for that ratio, if the issue gives one. A figure that could not be measured
/// keeps its line, with the reason.
/// </summary>
public sealed record Figure
{
    public required string Section { get; init; }
    public required string Name { get; init; }
    public double? Value { get; init; }
    public string Unit { get; init; } = string.Empty;
    public string? ValueDetail { get; init; }
    public double? Baseline { get; init; }
    public string? BaselineName { get; init; }
    public string? BaselineDetail { get; init; }
    public double? Ratio { get; init; }
    public string? RatioMeaning { get; init; }
    public TargetKind TargetKind { get; init; }
    public double? Target { get; init; }
    public string? TargetText { get; init; }
    public string? NotMeasured { get; init; }

    /// <summary>The target bounds the value itself (a memory growth), not the ratio.</summary>
    public bool TargetOnValue { get; init; }
    public string? Note { get; init; }

    /// <summary>Met, missed, or null where there is no target or no measurement.</summary>
    public bool? Met => (TargetOnValue ? Value : Ratio) is not { } judged || NotMeasured is not null || Target is null ? null : TargetKind switch
    {
        TargetKind.AtLeast => judged >= Target,
        TargetKind.AtMost => judged <= Target,
        _ => null,
    };

    public static Figure Missing(string section, string name, string reason, string? targetText = null) =>
        new() { Section = section, Name = name, NotMeasured = reason, TargetText = targetText };
}
