using Verification.Domain.Evidence;

namespace Verification.Domain.Verdicts;

/// <summary>
/// What the accepted evidence of a claim shows. Independence is counted by origin: two items from the same
/// origin (the same witness, outlet or account) are one source, and an item without an origin cannot show
/// that it is independent of anything, so it does not count.
/// </summary>
public sealed record Corroboration(int IndependentSupportingOrigins, int IndependentContradictingOrigins, int AcceptedItems)
{
    public const int NeededForConfirmedOrFair = 2;

    public static readonly Corroboration None = new(0, 0, 0);

    public static Corroboration Assess(IEnumerable<(ReviewStatus Status, EvidenceStance Stance, string? Origin)> evidence)
    {
        var accepted = evidence.Where(e => e.Status == ReviewStatus.Accepted).ToList();
        return new Corroboration(
            DistinctOrigins(accepted, EvidenceStance.Supports),
            DistinctOrigins(accepted, EvidenceStance.Contradicts),
            accepted.Count);
    }

    public static string? NormaliseOrigin(string? origin) =>
        string.IsNullOrWhiteSpace(origin) ? null : string.Join(' ', origin.Trim().ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static int DistinctOrigins(IEnumerable<(ReviewStatus Status, EvidenceStance Stance, string? Origin)> accepted, EvidenceStance stance) =>
        accepted.Where(e => e.Stance == stance)
            .Select(e => NormaliseOrigin(e.Origin))
            .Where(o => o is not null)
            .Distinct(StringComparer.Ordinal)
            .Count();

    public bool Supports(VerdictRating rating) =>
        rating is not (VerdictRating.Confirmed or VerdictRating.Fair) || IndependentSupportingOrigins >= NeededForConfirmedOrFair;
}
