using Verification.Domain.Common;

namespace Verification.Domain.Claims;

/// <summary>What an allegation says: everything a submitter writes, checked as a whole.</summary>
public sealed record ClaimDetails(
    string Title,
    string Summary,
    IReadOnlyList<ViolationType> ViolationTypes,
    Incident Incident,
    Location Location,
    IReadOnlyList<Perpetrator> Perpetrators,
    Harm Harm,
    IReadOnlyList<Source> Sources)
{
    public const int TitleMaxLength = 300;
    public const int SummaryMaxLength = 10_000;

    public static ClaimDetails Create(string? title, string? summary, IEnumerable<ViolationType>? violationTypes,
        Incident incident, Location location, IEnumerable<Perpetrator>? perpetrators, Harm? harm, IEnumerable<Source>? sources)
    {
        var types = (violationTypes ?? []).Distinct().Order().ToArray();
        Guard.That(types.Length > 0, "violationTypes", "Name at least one violation type.");
        var sourceList = (sources ?? []).ToArray();
        Guard.That(sourceList.Length > 0, "sources", "Name at least one source: where the allegation came from.");
        var perpetratorList = (perpetrators ?? [])
            .Select((p, i) => p with { Name = Guard.Text(p.Name, $"perpetrators[{i}].name", 200) })
            .ToArray();
        return new ClaimDetails(
            Guard.Text(title, "title", TitleMaxLength),
            Guard.Text(summary, "summary", SummaryMaxLength),
            types, incident, location, perpetratorList, (harm ?? Harm.Unknown).Validated(), sourceList);
    }
}
