using System.Globalization;
using System.Text;
using Verification.Domain.Common;

namespace Verification.Domain.Claims;

/// <summary>What duplicate screening needs to know of a claim: where, when and who, nothing else.</summary>
public sealed record ScreenedClaim(
    Guid Id,
    ClaimStage Stage,
    string CountryCode,
    DateOnly StartDate,
    DateOnly EndDate,
    string PlaceName,
    double? Latitude,
    double? Longitude,
    IReadOnlyList<Perpetrator> Perpetrators);

/// <summary>Why two claims look like the same incident.</summary>
public sealed record DuplicateMatch(bool SamePlaceName, double? DistanceKm, IReadOnlyList<string> PerpetratorsInCommon)
{
    public string Reasons
    {
        get
        {
            var place = SamePlaceName ? "same place name" : $"{DistanceKm!.Value.ToString("0.0", CultureInfo.InvariantCulture)} km apart";
            return $"same country; overlapping dates; {place}; perpetrator in common: {string.Join(", ", PerpetratorsInCommon)}";
        }
    }
}

/// <summary>
/// The same incident is often reported more than once (a witness, a local outlet and an NGO each file it). Screening
/// flags a likely pair for the reviewer at triage, who alone decides; a flag never changes a claim's stage.
/// Two claims are a likely pair when they are in the same country, their incident dates overlap, the place is the
/// same (the same place name once normalised, or coordinates within <see cref="NearbyKm"/> when both have them), and
/// at least one alleged perpetrator is named alike in both.
/// </summary>
public static class DuplicateScreening
{
    /// <summary>About the spread of one town: two reports of one strike rarely place it further apart.</summary>
    public const double NearbyKm = 10;

    private const double EarthRadiusKm = 6371.0088;

    /// <summary>Only claims still waiting for a verdict are flagged; a decided claim is the other half of a pair at most.</summary>
    public static bool IsScreened(ClaimStage stage) => stage is ClaimStage.Submitted or ClaimStage.InCorroboration;

    /// <summary>Rejected and withdrawn claims are closed; a claim is compared with every other claim still on the record.</summary>
    public static bool IsComparable(ClaimStage stage) => stage is not (ClaimStage.Rejected or ClaimStage.Withdrawn);

    public static DuplicateMatch? Compare(ScreenedClaim a, ScreenedClaim b)
    {
        if (a.Id == b.Id || a.CountryCode != b.CountryCode)
            return null;
        if (a.StartDate > b.EndDate || b.StartDate > a.EndDate)
            return null;
        var samePlace = Normalise(a.PlaceName) == Normalise(b.PlaceName);
        double? distance = a is { Latitude: { } lat1, Longitude: { } lon1 } && b is { Latitude: { } lat2, Longitude: { } lon2 }
            ? DistanceKm(lat1, lon1, lat2, lon2)
            : null;
        if (!samePlace && distance is not <= NearbyKm)
            return null;
        var names = b.Perpetrators.Select(p => Normalise(p.Name)).ToHashSet(StringComparer.Ordinal);
        var common = a.Perpetrators.Where(p => names.Contains(Normalise(p.Name))).Select(p => p.Name).Distinct().ToList();
        return common.Count == 0 ? null : new DuplicateMatch(samePlace, distance, common);
    }

    /// <summary>Case, accents, punctuation and spacing differ between reports of one place or actor; they are ignored.</summary>
    public static string Normalise(string text)
    {
        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text.NormalizeForMatching(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
                continue;
            if (char.IsLetterOrDigit(c))
            {
                if (pendingSpace && builder.Length > 0)
                    builder.Append(' ');
                pendingSpace = false;
                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                pendingSpace = true;
            }
        }
        return builder.ToString();
    }

    /// <summary>Great-circle distance (haversine); good to a few metres at the scale of a town.</summary>
    public static double DistanceKm(double lat1, double lon1, double lat2, double lon2)
    {
        static double Radians(double degrees) => degrees * Math.PI / 180;
        var dLat = Radians(lat2 - lat1);
        var dLon = Radians(lon2 - lon1);
        var h = Math.Pow(Math.Sin(dLat / 2), 2) + Math.Cos(Radians(lat1)) * Math.Cos(Radians(lat2)) * Math.Pow(Math.Sin(dLon / 2), 2);
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }
}

/// <summary>A flag on a claim that waits for triage or corroboration: another claim looks like the same incident.</summary>
public sealed class PossibleDuplicate
{
    private PossibleDuplicate() { }

    public Guid ClaimId { get; private set; }
    public Guid OtherClaimId { get; private set; }
    public DateTime FlaggedAt { get; private set; }
    public string Reasons { get; private set; } = string.Empty;

    /// <summary>Flags <paramref name="claim"/> as a likely duplicate of <paramref name="other"/>; refuses a pair the rule does not match.</summary>
    public static PossibleDuplicate Flag(ScreenedClaim claim, ScreenedClaim other, DateTime now)
    {
        if (!DuplicateScreening.IsScreened(claim.Stage))
            throw new TransitionNotAllowed("flag as a possible duplicate", claim.Stage.ToString(),
                "only a Submitted or InCorroboration claim is screened for duplicates");
        if (!DuplicateScreening.IsComparable(other.Stage))
            throw new RuleNotSatisfied("Not comparable", $"A {other.Stage} claim is closed and is not a duplicate candidate.");
        var match = DuplicateScreening.Compare(claim, other)
            ?? throw new RuleNotSatisfied("Not a likely duplicate", "The two claims differ in country, dates, place or perpetrators.");
        return new PossibleDuplicate
        {
            ClaimId = claim.Id,
            OtherClaimId = other.Id,
            FlaggedAt = now,
            Reasons = match.Reasons.Length <= 1000 ? match.Reasons : match.Reasons[..1000],
        };
    }
}
