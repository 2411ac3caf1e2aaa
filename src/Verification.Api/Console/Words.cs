using Verification.Domain.Claims;
using Verification.Domain.Evidence;
using Verification.Domain.Verdicts;

namespace Verification.Api.WebConsole;

/// <summary>The field's words for the model's values, as a person reads them (the enums keep the contract's names).</summary>
public static class Words
{
    public static string Of(ClaimStage stage) => stage switch
    {
        ClaimStage.Submitted => "Submitted",
        ClaimStage.InCorroboration => "In corroboration",
        ClaimStage.VerdictProposed => "Verdict proposed",
        ClaimStage.Decided => "Decided",
        ClaimStage.Rejected => "Rejected",
        ClaimStage.Withdrawn => "Withdrawn",
        _ => stage.ToString(),
    };

    public static string Of(ViolationType type) => type switch
    {
        ViolationType.UnlawfulKilling => "Unlawful killing",
        ViolationType.AttackCivilianHarm => "Civilian harm from an attack",
        ViolationType.Torture => "Torture or ill-treatment",
        ViolationType.ArbitraryDetention => "Arbitrary detention",
        ViolationType.EnforcedDisappearance => "Enforced disappearance",
        ViolationType.SexualViolence => "Sexual violence",
        ViolationType.AttackOnProtectedObject => "Attack on a protected object (hospital, school, place of worship)",
        ViolationType.ForcedDisplacement => "Forced displacement",
        _ => "Other",
    };

    public static string Of(TimePrecision precision) => precision switch
    {
        TimePrecision.Day => "Exact day",
        TimePrecision.Week => "Within a week",
        _ => "Within a month",
    };

    public static string Of(GeoPrecision precision) => precision switch
    {
        GeoPrecision.Exact => "Exact location",
        GeoPrecision.NearbyTown => "Nearby town",
        _ => "Region",
    };

    public static string Of(PerpetratorType type) => type switch
    {
        PerpetratorType.StateForce => "State force",
        PerpetratorType.ForeignOrPrivateMilitary => "Foreign or private military company",
        PerpetratorType.NonStateArmedGroup => "Non-state armed group",
        _ => "Unknown",
    };

    public static string Of(SourceType type) => type switch
    {
        SourceType.Witness => "Witness",
        SourceType.Victim => "Victim",
        SourceType.LocalMedia => "Local media",
        SourceType.InternationalMedia => "International media",
        SourceType.NgoReport => "NGO report",
        SourceType.SocialMedia => "Social media",
        SourceType.OfficialStatement => "Official statement",
        _ => "Other",
    };

    public static string Of(EvidenceKind kind) => kind switch
    {
        EvidenceKind.SatelliteImage => "Satellite image",
        _ => kind.ToString(),
    };

    public static string Of(EvidenceStance stance) => stance switch
    {
        EvidenceStance.Supports => "Supports the claim",
        EvidenceStance.Contradicts => "Contradicts the claim",
        _ => "Context",
    };

    public static string Of(ReviewStatus status) => status.ToString();

    /// <summary>The Admiralty (NATO) code: how reliable the source is, A to F.</summary>
    public static readonly IReadOnlyList<(SourceReliability Grade, string Meaning)> Reliability =
    [
        (SourceReliability.A, "Completely reliable: no doubt about authenticity, trustworthiness or competence; a history of complete reliability."),
        (SourceReliability.B, "Usually reliable: minor doubts; a history of mostly valid information."),
        (SourceReliability.C, "Fairly reliable: doubts; has provided valid information in the past."),
        (SourceReliability.D, "Not usually reliable: significant doubts; has provided valid information in the past."),
        (SourceReliability.E, "Unreliable: lacks authenticity, trustworthiness and competence; a history of invalid information."),
        (SourceReliability.F, "Cannot be judged: no basis to evaluate the source."),
    ];

    /// <summary>The Admiralty (NATO) code: how credible the information is, 1 to 6.</summary>
    public static readonly IReadOnlyList<(int Grade, string Meaning)> Credibility =
    [
        (1, "Confirmed by other sources: independent sources confirm it; logical; consistent with other information."),
        (2, "Probably true: not confirmed; logical; consistent with other information."),
        (3, "Possibly true: not confirmed; reasonably logical; agrees with some other information."),
        (4, "Doubtful: not confirmed; possible but not logical; no other information on the subject."),
        (5, "Improbable: not confirmed; not logical; contradicted by other information."),
        (6, "Cannot be judged: no basis to evaluate the information."),
    ];

    /// <summary>The verdict scale for civilian-harm claims, after Airwars.</summary>
    public static readonly IReadOnlyList<(VerdictRating Rating, string Meaning)> Ratings =
    [
        (VerdictRating.Confirmed, "A belligerent accepted responsibility, or the harm is proven beyond reasonable doubt."),
        (VerdictRating.Fair, "Reported by two or more credible independent sources, with a belligerent action in the area confirmed."),
        (VerdictRating.Weak, "A single source, or sources too thin to corroborate."),
        (VerdictRating.Contested, "Competing claims about who is responsible or whether harm occurred."),
        (VerdictRating.Discounted, "The allegation was shown to be wrong, or the harm caused by something else."),
    ];

    public const string CorroborationRule =
        "Confirmed and Fair need at least two accepted evidence items that support the claim and come from different origins. " +
        "Two items from the same origin are not independent.";

    public static string Range(int? min, int? max) => (min, max) switch
    {
        (null, null) => "—",
        ({ } a, null) => $"{a} or more",
        (null, { } b) => $"up to {b}",
        ({ } a, { } b) when a == b => a.ToString(System.Globalization.CultureInfo.CurrentCulture),
        ({ } a, { } b) => $"{a}–{b}",
    };
}
