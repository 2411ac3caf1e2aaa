using Verification.Domain.Claims;
using Verification.Domain.Common;
using Verification.Domain.Evidence;

namespace Verification.Domain.Tests;

public class FixityTests
{
    private const string Sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static readonly DateTime Later = Kidal.Now.AddDays(3);

    private static EvidenceItem APhoto() => EvidenceItem.Receive(Guid.NewGuid(), Guid.NewGuid(),
        new EvidenceItem.Intake(EvidenceKind.Photo, "Crater", null, null, null, null, "Radio Kidal", EvidenceStance.Supports, null, null),
        new EvidenceItem.StoredContent(Sha256, 1000, "image/jpeg", "image/jpeg", "crater.jpg", null), People.Investigator, Kidal.Now);

    [Fact]
    public void Intake_counts_as_the_first_fixity_check()
    {
        var photo = APhoto();
        Assert.Equal(Kidal.Now, photo.LastFixityCheckAt);
        Assert.False(photo.FixityFailed);
    }

    [Fact]
    public void Intact_bytes_are_a_FixityChecked_custody_event_by_the_system()
    {
        var photo = APhoto();
        var check = photo.CheckFixity(Sha256, Later);
        Assert.Equal(CustodyAction.FixityChecked, check.Action);
        Assert.Null(check.Actor);
        Assert.False(photo.FixityFailed);
        Assert.Equal(Later, photo.LastFixityCheckAt);
        Assert.Contains(check, photo.Custody);
    }

    [Theory]
    [InlineData(null, "missing")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", "is now")]
    public void Missing_or_changed_bytes_are_a_FixityFailed_event_until_a_later_check_finds_them_intact(string? observed, string detail)
    {
        var photo = APhoto();
        var failed = photo.CheckFixity(observed, Later);
        Assert.Equal(CustodyAction.FixityFailed, failed.Action);
        Assert.Contains(detail, failed.Details);
        Assert.True(photo.FixityFailed);

        photo.CheckFixity(Sha256, Later.AddHours(1));
        Assert.False(photo.FixityFailed);
    }

    [Fact]
    public void A_testimony_is_re_hashed_from_what_was_recorded()
    {
        var testimony = EvidenceItem.Receive(Guid.NewGuid(), Guid.NewGuid(),
            new EvidenceItem.Intake(EvidenceKind.Testimony, null, null, null, null, null, "Interview", EvidenceStance.Supports, "I saw the drones.", null),
            null, People.Investigator, Kidal.Now);
        Assert.Equal(CustodyAction.FixityChecked, testimony.CheckFixity(null, Later).Action);
    }
}

public class DuplicateScreeningTests
{
    private static ScreenedClaim Kidal(Guid? id = null, ClaimStage stage = ClaimStage.Submitted, string place = "Kidal", string country = "ML",
        string start = "2024-03-29", string end = "2024-03-30", double? lat = 18.4411, double? lon = 1.4078, params string[] perpetrators) =>
        new(id ?? Guid.NewGuid(), stage, country, DateOnly.Parse(start), DateOnly.Parse(end), place, lat, lon,
            [.. (perpetrators.Length == 0 ? ["Wagner Group"] : perpetrators).Select(p => new Perpetrator(p, PerpetratorType.Unknown))]);

    [Fact]
    public void Same_country_overlapping_dates_same_place_name_and_a_perpetrator_in_common_is_a_likely_duplicate()
    {
        var match = DuplicateScreening.Compare(Kidal(), Kidal(place: "  KIDAL.", lat: null, lon: null, perpetrators: "wagner  group"));
        Assert.NotNull(match);
        Assert.True(match.SamePlaceName);
        Assert.Equal(["Wagner Group"], match.PerpetratorsInCommon);
    }

    [Fact]
    public void Another_place_name_within_ten_kilometres_is_nearby()
    {
        var match = DuplicateScreening.Compare(Kidal(), Kidal(place: "Kidal airfield", lat: 18.43, lon: 1.35));
        Assert.NotNull(match);
        Assert.InRange(match.DistanceKm!.Value, 5, 10);
        Assert.Contains("km apart", match.Reasons);
    }

    [Fact]
    public void Accents_in_a_place_name_do_not_matter() =>
        Assert.Equal(DuplicateScreening.Normalise("Ségou"), DuplicateScreening.Normalise("SEGOU"));

    [Theory]
    [InlineData("country")]
    [InlineData("dates")]
    [InlineData("place")]
    [InlineData("perpetrator")]
    public void One_difference_is_enough_to_keep_two_claims_apart(string difference)
    {
        var other = difference switch
        {
            "country" => Kidal(country: "NE"),
            "dates" => Kidal(start: "2024-04-01", end: "2024-04-02"),
            "place" => Kidal(place: "Anefis", lat: 17.96, lon: 0.0),
            _ => Kidal(perpetrators: "CSP"),
        };
        Assert.Null(DuplicateScreening.Compare(Kidal(), other));
    }

    [Fact]
    public void Coordinates_on_one_side_only_need_the_same_place_name() =>
        Assert.Null(DuplicateScreening.Compare(Kidal(), Kidal(place: "Kidal airfield", lat: null, lon: null)));

    [Fact]
    public void Only_a_submitted_or_corroborating_claim_is_flagged_and_never_against_a_closed_one()
    {
        Assert.NotNull(PossibleDuplicate.Flag(Kidal(stage: ClaimStage.InCorroboration), Kidal(stage: ClaimStage.Decided), Now));
        Assert.Throws<TransitionNotAllowed>(() => PossibleDuplicate.Flag(Kidal(stage: ClaimStage.Decided), Kidal(), Now));
        Assert.Throws<RuleNotSatisfied>(() => PossibleDuplicate.Flag(Kidal(), Kidal(stage: ClaimStage.Withdrawn), Now));
        Assert.Throws<RuleNotSatisfied>(() => PossibleDuplicate.Flag(Kidal(), Kidal(country: "NE"), Now));
    }

    [Fact]
    public void A_claim_is_not_its_own_duplicate()
    {
        var id = Guid.NewGuid();
        Assert.Null(DuplicateScreening.Compare(Kidal(id), Kidal(id)));
    }

    private static readonly DateTime Now = Tests.Kidal.Now;
}
