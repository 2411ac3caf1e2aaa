using Verification.Domain.Common;
using Verification.Domain.Evidence;
using Verification.Domain.Staff;

namespace Verification.Domain.Tests;

public class LastCoordinatorTests
{
    [Fact]
    public void The_only_active_coordinator_cannot_lose_the_role_or_the_account() =>
        Assert.Throws<RuleNotSatisfied>(() => LastCoordinator.EnsureOneRemains(isActiveCoordinator: true, remainsActiveCoordinator: false, activeCoordinators: 1));

    [Theory]
    [InlineData(true, false, 2)]
    [InlineData(true, true, 1)]
    [InlineData(false, false, 1)]
    [InlineData(false, false, 0)]
    public void Any_change_that_leaves_an_active_coordinator_is_allowed(bool isCoordinator, bool remains, int coordinators) =>
        LastCoordinator.EnsureOneRemains(isCoordinator, remains, coordinators);
}

public class EvidenceVersionTests
{
    private const string Sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static EvidenceItem APhoto() => EvidenceItem.Receive(Guid.NewGuid(), Guid.NewGuid(),
        new EvidenceItem.Intake(EvidenceKind.Photo, "Crater", null, null, null, null, "Radio Kidal", EvidenceStance.Supports, null, null),
        new EvidenceItem.StoredContent(Sha256, 1000, "image/jpeg", "image/jpeg", "crater.jpg", null), People.Investigator, Kidal.Now);

    [Fact]
    public void An_item_is_at_version_1_until_its_review_and_at_2_after()
    {
        var photo = APhoto();
        Assert.Equal(1, photo.Version);
        photo.EnsureVersion(1);
        photo.Review(People.Reviewer, ReviewDecision.Accept, null, SourceReliability.B, 2, Kidal.Now.AddHours(1));
        Assert.Equal(2, photo.Version);
        Assert.Equal(2, Assert.Throws<StaleVersion>(() => photo.EnsureVersion(1)).Current);
    }

    [Fact]
    public void A_review_that_lost_a_race_is_412_with_if_match_and_409_without()
    {
        Assert.IsType<StaleVersion>(EvidenceItem.ReviewedMeanwhile(1));
        Assert.IsType<RuleNotSatisfied>(EvidenceItem.ReviewedMeanwhile(null));
    }

    [Fact]
    public void A_repair_after_a_failed_check_clears_the_failure_with_a_FixityChecked_event()
    {
        var photo = APhoto();
        photo.CheckFixity("0000000000000000000000000000000000000000000000000000000000000000", Kidal.Now.AddDays(1));
        Assert.True(photo.FixityFailed);
        var repair = photo.RecordRepair("0000000000000000000000000000000000000000000000000000000000000000", Kidal.Now.AddDays(2));
        Assert.False(photo.FixityFailed);
        Assert.Equal(CustodyAction.FixityChecked, repair.Action);
        Assert.Contains("restored", repair.Details, StringComparison.Ordinal);
    }
}
