using Verification.Domain.Evidence;
using Verification.Domain.Verdicts;

namespace Verification.Domain.Tests;

public class CorroborationTests
{
    private static (ReviewStatus, EvidenceStance, string?) Accepted(EvidenceStance stance, string? origin) =>
        (ReviewStatus.Accepted, stance, origin);

    private static (ReviewStatus, EvidenceStance, string?) Supporting(string? origin) => Accepted(EvidenceStance.Supports, origin);

    [Fact]
    public void Accepted_supporting_items_from_different_origins_are_independent()
    {
        var corroboration = Corroboration.Assess([Supporting("Radio Kidal"), Supporting("Maxar satellite imagery"), Supporting("Witness A")]);

        Assert.Equal(3, corroboration.IndependentSupportingOrigins);
        Assert.Equal(0, corroboration.IndependentContradictingOrigins);
        Assert.Equal(3, corroboration.AcceptedItems);
    }

    [Fact]
    public void The_same_origin_twice_counts_once()
    {
        var corroboration = Corroboration.Assess([Supporting("Radio Kidal"), Supporting("Radio Kidal")]);

        Assert.Equal(1, corroboration.IndependentSupportingOrigins);
        Assert.Equal(2, corroboration.AcceptedItems);
    }

    [Fact]
    public void Origins_that_differ_only_in_case_or_whitespace_are_the_same_origin()
    {
        var corroboration = Corroboration.Assess(
            [Supporting("Radio Kidal"), Supporting("  radio   KIDAL "), Supporting("RADIO\tkidal"), Supporting("Radio Kidal FM")]);

        Assert.Equal(2, corroboration.IndependentSupportingOrigins);
    }

    [Theory]
    [InlineData("Radio Kidal", "radio kidal")]
    [InlineData("  Radio \t Kidal\n", "radio kidal")]
    [InlineData("   ", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void An_origin_is_normalised_to_lower_case_single_spaced_words(string? origin, string? normalised) =>
        Assert.Equal(normalised, Corroboration.NormaliseOrigin(origin));

    [Theory]
    [InlineData(ReviewStatus.Pending)]
    [InlineData(ReviewStatus.Rejected)]
    public void Items_not_accepted_do_not_count(ReviewStatus status)
    {
        var corroboration = Corroboration.Assess(
        [
            Supporting("Radio Kidal"),
            (status, EvidenceStance.Supports, "Witness A"),
            (status, EvidenceStance.Contradicts, "Ministry of Defence statement"),
        ]);

        Assert.Equal(1, corroboration.IndependentSupportingOrigins);
        Assert.Equal(0, corroboration.IndependentContradictingOrigins);
        Assert.Equal(1, corroboration.AcceptedItems);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void An_item_without_an_origin_does_not_count_as_independent(string? origin)
    {
        var corroboration = Corroboration.Assess([Supporting("Radio Kidal"), Supporting(origin)]);

        Assert.Equal(1, corroboration.IndependentSupportingOrigins);
        Assert.Equal(2, corroboration.AcceptedItems);
    }

    [Fact]
    public void Contradicting_origins_are_counted_separately_from_supporting_ones()
    {
        var corroboration = Corroboration.Assess(
        [
            Supporting("Radio Kidal"),
            Supporting("Witness A"),
            Accepted(EvidenceStance.Contradicts, "FAMa communiqué"),
            Accepted(EvidenceStance.Contradicts, "fama  COMMUNIQUÉ"),
            Accepted(EvidenceStance.Contradicts, "Wagner-linked Telegram channel"),
        ]);

        Assert.Equal(2, corroboration.IndependentSupportingOrigins);
        Assert.Equal(2, corroboration.IndependentContradictingOrigins);
        Assert.Equal(5, corroboration.AcceptedItems);
    }

    [Fact]
    public void Context_items_neither_support_nor_contradict()
    {
        var corroboration = Corroboration.Assess([Accepted(EvidenceStance.Context, "Map of Kidal"), Accepted(EvidenceStance.Context, "ACLED")]);

        Assert.Equal(0, corroboration.IndependentSupportingOrigins);
        Assert.Equal(0, corroboration.IndependentContradictingOrigins);
        Assert.Equal(2, corroboration.AcceptedItems);
        Assert.False(corroboration.Supports(VerdictRating.Fair));
    }

    [Fact]
    public void The_same_origin_can_support_once_and_contradict_once()
    {
        var corroboration = Corroboration.Assess([Supporting("Witness A"), Accepted(EvidenceStance.Contradicts, "witness a")]);

        Assert.Equal(1, corroboration.IndependentSupportingOrigins);
        Assert.Equal(1, corroboration.IndependentContradictingOrigins);
    }

    [Theory]
    [InlineData(VerdictRating.Confirmed, 1, false)]
    [InlineData(VerdictRating.Confirmed, 2, true)]
    [InlineData(VerdictRating.Fair, 1, false)]
    [InlineData(VerdictRating.Fair, 2, true)]
    [InlineData(VerdictRating.Weak, 0, true)]
    [InlineData(VerdictRating.Contested, 0, true)]
    [InlineData(VerdictRating.Discounted, 0, true)]
    public void Only_Confirmed_and_Fair_ask_for_two_independent_origins(VerdictRating rating, int origins, bool supported) =>
        Assert.Equal(supported, new Corroboration(origins, 0, origins).Supports(rating));
}
