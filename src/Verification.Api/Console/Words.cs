using System.Globalization;
using System.Resources;
using Verification.Domain.Claims;
using Verification.Domain.Evidence;
using Verification.Domain.Verdicts;

namespace Verification.Api.WebConsole;

/// <summary>
/// The field's words for the model's values, as a person reads them in the reader's language (the enums keep the
/// contract's names). The words are in ConsoleText.resx / ConsoleText.fr.resx, like every other word of the console.
/// </summary>
public static class Words
{
    private static readonly ResourceManager Text = new(typeof(ConsoleText));

    /// <summary>One word of the console in the current UI culture (the key itself if it is missing, so a gap shows).</summary>
    public static string Get(string key) => Text.GetString(key, CultureInfo.CurrentUICulture) ?? key;

    public static string Get(string key, params object[] args) => string.Format(CultureInfo.CurrentCulture, Get(key), args);

    public static string Of(ClaimStage stage) => Get("Stage." + stage);

    public static string Of(ViolationType type) => Get("Violation." + type);

    public static string Of(TimePrecision precision) => Get("TimePrecision." + precision);

    public static string Of(GeoPrecision precision) => Get("GeoPrecision." + precision);

    public static string Of(PerpetratorType type) => Get("Perpetrator." + type);

    public static string Of(SourceType type) => Get("Source." + type);

    public static string Of(EvidenceKind kind) => Get("EvidenceKind." + kind);

    public static string Of(EvidenceStance stance) => Get("Stance." + stance);

    public static string Of(ReviewStatus status) => Get("ReviewStatus." + status);

    public static string Of(VerdictRating rating) => Get("Rating." + rating);

    public static string Of(ProposalStatus status) => Get("ProposalStatus." + status);

    /// <summary>The Admiralty (NATO) code: how reliable the source is, A to F.</summary>
    public static IReadOnlyList<(SourceReliability Grade, string Meaning)> Reliability =>
        [.. Enum.GetValues<SourceReliability>().Select(g => (g, Get("Reliability." + g)))];

    /// <summary>The Admiralty (NATO) code: how credible the information is, 1 to 6.</summary>
    public static IReadOnlyList<(int Grade, string Meaning)> Credibility =>
        [.. Enumerable.Range(1, 6).Select(g => (g, Get("Credibility." + g.ToString(CultureInfo.InvariantCulture))))];

    /// <summary>The verdict scale for civilian-harm claims, after Airwars.</summary>
    public static IReadOnlyList<(VerdictRating Rating, string Meaning)> Ratings =>
        [.. new[] { VerdictRating.Confirmed, VerdictRating.Fair, VerdictRating.Weak, VerdictRating.Contested, VerdictRating.Discounted }
            .Select(r => (r, Get("RatingMeaning." + r)))];

    public static string CorroborationRule => Get("CorroborationRule");

    public static string Range(int? min, int? max) => (min, max) switch
    {
        (null, null) => "—",
        ({ } a, null) => Get("Range.AtLeast", a),
        (null, { } b) => Get("Range.UpTo", b),
        ({ } a, { } b) when a == b => a.ToString(CultureInfo.CurrentCulture),
        ({ } a, { } b) => $"{a}–{b}",
    };
}
