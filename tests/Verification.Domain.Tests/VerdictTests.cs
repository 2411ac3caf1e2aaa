using Verification.Domain.Claims;
using Verification.Domain.Common;
using Verification.Domain.Evidence;
using Verification.Domain.Verdicts;

namespace Verification.Domain.Tests;

public class VerdictTests
{
    private static readonly DateTime Later = Kidal.Now.AddHours(1);

    [Fact]
    public void Reviewer_cannot_confirm_a_verdict_they_proposed()
    {
        var claim = Given.AClaimWithAProposedVerdict();
        var proposal = claim.Proposals.Single();

        Assert.Throws<FourEyesViolation>(() => claim.ConfirmVerdict(proposal.Id, People.Reviewer, Later));

        Assert.Equal(ClaimStage.VerdictProposed, claim.Stage);
        Assert.Equal(ProposalStatus.Pending, proposal.Status);
        Assert.Null(claim.VerdictProposalId);
        Assert.False(claim.HasBeenDecided);
    }

    [Fact]
    public void Reviewer_cannot_reject_a_verdict_they_proposed()
    {
        var claim = Given.AClaimWithAProposedVerdict();
        var proposal = claim.Proposals.Single();

        Assert.Throws<FourEyesViolation>(() => claim.RejectVerdict(proposal.Id, People.Reviewer, "On reflection, too thin.", Later));

        Assert.Equal(ClaimStage.VerdictProposed, claim.Stage);
        Assert.Equal(ProposalStatus.Pending, proposal.Status);
    }

    [Fact]
    public void A_different_reviewer_confirms_and_the_verdict_names_both()
    {
        var claim = Given.AClaimWithAProposedVerdict();
        var proposal = claim.Proposals.Single();

        claim.ConfirmVerdict(proposal.Id, People.SecondReviewer, Later);

        Assert.Equal(ProposalStatus.Confirmed, proposal.Status);
        Assert.Equal(People.Reviewer, proposal.ProposedBy);
        Assert.Equal(People.SecondReviewer, proposal.DecidedBy);
        Assert.Same(proposal, claim.Verdict);
        Assert.True(claim.HasBeenDecided);
    }

    [Fact]
    public void A_rejected_proposal_stays_on_record_with_its_reason()
    {
        var claim = Given.AClaimWithAProposedVerdict();
        var proposal = claim.Proposals.Single();

        claim.RejectVerdict(proposal.Id, People.SecondReviewer, "Only one local report.", Later);

        Assert.Equal(ProposalStatus.Rejected, Assert.Single(claim.Proposals).Status);
        Assert.Equal("Only one local report.", proposal.RejectionReason);
        Assert.Null(claim.VerdictProposalId);
    }

    [Theory]
    [InlineData(VerdictRating.Confirmed, 0)]
    [InlineData(VerdictRating.Confirmed, 1)]
    [InlineData(VerdictRating.Fair, 0)]
    [InlineData(VerdictRating.Fair, 1)]
    public void Confirmed_and_Fair_need_two_independent_supporting_origins(VerdictRating rating, int origins)
    {
        var claim = Given.AClaimInCorroboration();
        var thin = new Corroboration(origins, 0, AcceptedItems: 3);

        var refused = Assert.Throws<RuleNotSatisfied>(() => Given.ProposeBy(claim, People.Reviewer, rating, thin));

        Assert.Contains($"this claim has {origins}", refused.Message);
        Assert.Contains($"at least {Corroboration.NeededForConfirmedOrFair}", refused.Message);
        Assert.Equal(ClaimStage.InCorroboration, claim.Stage);
        Assert.Empty(claim.Proposals);
    }

    [Theory]
    [InlineData(VerdictRating.Confirmed)]
    [InlineData(VerdictRating.Fair)]
    public void Confirmed_and_Fair_can_be_proposed_with_two_independent_supporting_origins(VerdictRating rating)
    {
        var claim = Given.AClaimInCorroboration();
        var corroboration = Corroboration.Assess(
        [
            (ReviewStatus.Accepted, EvidenceStance.Supports, "Radio Kidal"),
            (ReviewStatus.Accepted, EvidenceStance.Supports, "Satellite imagery, Maxar"),
        ]);

        var proposal = Given.ProposeBy(claim, People.Reviewer, rating, corroboration);

        Assert.Equal(rating, proposal.Rating);
        Assert.Equal(ClaimStage.VerdictProposed, claim.Stage);
    }

    [Fact]
    public void Two_items_from_one_origin_are_not_enough_for_Fair()
    {
        var claim = Given.AClaimInCorroboration();
        var corroboration = Corroboration.Assess(
        [
            (ReviewStatus.Accepted, EvidenceStance.Supports, "Radio Kidal"),
            (ReviewStatus.Accepted, EvidenceStance.Supports, "radio kidal"),
        ]);

        var refused = Assert.Throws<RuleNotSatisfied>(() => Given.ProposeBy(claim, People.Reviewer, VerdictRating.Fair, corroboration));

        Assert.Contains("this claim has 1", refused.Message);
    }

    [Theory]
    [InlineData(VerdictRating.Weak)]
    [InlineData(VerdictRating.Contested)]
    [InlineData(VerdictRating.Discounted)]
    public void Weak_Contested_and_Discounted_need_no_corroboration(VerdictRating rating)
    {
        var claim = Given.AClaimInCorroboration();

        var proposal = Given.ProposeBy(claim, People.Reviewer, rating, Corroboration.None);

        Assert.Equal(rating, proposal.Rating);
        Assert.Equal(ProposalStatus.Pending, proposal.Status);
        Assert.Equal(ClaimStage.VerdictProposed, claim.Stage);
    }

    [Fact]
    public void Reopening_keeps_the_earlier_verdict_in_the_history_and_clears_the_current_one()
    {
        var claim = Given.ADecidedClaim();
        var earlier = claim.Verdict!;

        claim.Reopen(People.Coordinator, "New satellite imagery.", Later);

        var kept = Assert.Single(claim.Proposals);
        Assert.Same(earlier, kept);
        Assert.Equal(ProposalStatus.Confirmed, kept.Status);
        Assert.Null(claim.VerdictProposalId);
        Assert.Null(claim.Verdict);
        Assert.True(claim.HasBeenDecided);
    }

    [Fact]
    public void Deciding_again_after_reopening_keeps_both_verdicts()
    {
        var claim = Given.ADecidedClaim();
        var first = claim.Verdict!;
        claim.Reopen(People.Coordinator, "New satellite imagery.", Later);
        var second = Given.ProposeBy(claim, People.SecondReviewer, VerdictRating.Contested);

        claim.ConfirmVerdict(second.Id, People.Reviewer, Later);

        Assert.Equal(2, claim.Proposals.Count(p => p.Status == ProposalStatus.Confirmed));
        Assert.Equal([first.Id, second.Id], claim.Proposals.Select(p => p.Id));
        Assert.Equal(second.Id, claim.VerdictProposalId);
        Assert.Equal(ClaimStage.Decided, claim.Stage);
    }

    [Fact]
    public void A_proposal_of_another_claim_is_not_found()
    {
        var claim = Given.AClaimWithAProposedVerdict();
        var other = Given.AClaimWithAProposedVerdict();

        Assert.Throws<NotFound>(() => claim.ConfirmVerdict(other.Proposals.Single().Id, People.SecondReviewer, Later));

        Assert.Equal(ClaimStage.VerdictProposed, claim.Stage);
    }

    [Fact]
    public void A_verdict_needs_a_rationale()
    {
        var claim = Given.AClaimInCorroboration();

        var invalid = Assert.Throws<InvariantViolation>(() => claim.ProposeVerdict(Guid.NewGuid(), People.Reviewer,
            VerdictRating.Weak, " ", null, null, Corroboration.None, Later));

        Assert.Equal("rationale", invalid.Field);
        Assert.Equal(ClaimStage.InCorroboration, claim.Stage);
    }

    [Fact]
    public void A_verdict_with_harm_that_breaks_its_ranges_is_refused()
    {
        var claim = Given.AClaimInCorroboration();
        var harm = Harm.Unknown with { KilledMin = 10, KilledMax = 3 };

        var invalid = Assert.Throws<InvariantViolation>(() => claim.ProposeVerdict(Guid.NewGuid(), People.Reviewer,
            VerdictRating.Weak, "Figures from one report.", harm, null, Corroboration.None, Later));

        Assert.Equal("harm.killedMin", invalid.Field);
        Assert.Empty(claim.Proposals);
    }
}
