using Verification.Domain.Claims;
using Verification.Domain.Common;
using Verification.Domain.Verdicts;

namespace Verification.Domain.Tests;

/// <summary>
/// The stage machine of MISSION.md as one table: every starting point × every move. A move in the table lands in
/// its stage; every other move is refused with a typed error and changes nothing.
/// </summary>
public class StageMachineTests
{
    /// <summary>
    /// Where a claim starts. Every <see cref="ClaimStage"/> is here, reached through the domain methods; a stage that
    /// can be reached in ways that matter to a move (InCorroboration after a rejected proposal or after a reopening)
    /// appears once per way.
    /// </summary>
    public enum Start
    {
        Submitted,
        InCorroboration,
        InCorroborationAfterARejectedProposal,
        InCorroborationAfterReopening,
        VerdictProposed,
        Decided,
        Rejected,
        Withdrawn,
    }

    public enum Move
    {
        TriageAccept,
        TriageReject,
        WithdrawBySubmitter,
        ProposeWeakVerdict,
        ConfirmVerdictByOtherReviewer,
        RejectVerdictByOtherReviewer,
        Reopen,
        AttachEvidence,
    }

    /// <summary>The only moves the workflow allows, and where each one lands. Everything else is refused.</summary>
    private static readonly Dictionary<(Start, Move), ClaimStage> Allowed = new()
    {
        [(Start.Submitted, Move.TriageAccept)] = ClaimStage.InCorroboration,
        [(Start.Submitted, Move.TriageReject)] = ClaimStage.Rejected,
        [(Start.Submitted, Move.WithdrawBySubmitter)] = ClaimStage.Withdrawn,
        [(Start.Submitted, Move.AttachEvidence)] = ClaimStage.Submitted,

        [(Start.InCorroboration, Move.WithdrawBySubmitter)] = ClaimStage.Withdrawn,
        [(Start.InCorroboration, Move.ProposeWeakVerdict)] = ClaimStage.VerdictProposed,
        [(Start.InCorroboration, Move.AttachEvidence)] = ClaimStage.InCorroboration,

        [(Start.InCorroborationAfterARejectedProposal, Move.WithdrawBySubmitter)] = ClaimStage.Withdrawn,
        [(Start.InCorroborationAfterARejectedProposal, Move.ProposeWeakVerdict)] = ClaimStage.VerdictProposed,
        [(Start.InCorroborationAfterARejectedProposal, Move.AttachEvidence)] = ClaimStage.InCorroboration,

        // No withdrawal: a claim that was once decided stays on the record.
        [(Start.InCorroborationAfterReopening, Move.ProposeWeakVerdict)] = ClaimStage.VerdictProposed,
        [(Start.InCorroborationAfterReopening, Move.AttachEvidence)] = ClaimStage.InCorroboration,

        [(Start.VerdictProposed, Move.ConfirmVerdictByOtherReviewer)] = ClaimStage.Decided,
        [(Start.VerdictProposed, Move.RejectVerdictByOtherReviewer)] = ClaimStage.InCorroboration,

        [(Start.Decided, Move.Reopen)] = ClaimStage.InCorroboration,
        [(Start.Decided, Move.AttachEvidence)] = ClaimStage.Decided,
    };

    private static readonly DateTime Later = Kidal.Now.AddHours(1);

    public static TheoryData<Start, Move> AllowedMoves() => Moves(allowed: true);

    public static TheoryData<Start, Move> RefusedMoves() => Moves(allowed: false);

    [Theory]
    [MemberData(nameof(AllowedMoves))]
    public void An_allowed_move_lands_in_its_stage_and_is_recorded(Start start, Move move)
    {
        var claim = Build(start);
        var version = claim.Version;
        var history = claim.History.Count;

        Perform(claim, move);

        Assert.Equal(Allowed[(start, move)], claim.Stage);
        Assert.Equal(history + 1, claim.History.Count);
        Assert.Equal(Later, claim.History.Last().At);
        if (move == Move.AttachEvidence && start != Start.Decided)
            // Evidence appends to the timeline but changes nothing the claim's ETag covers, so a reviewer's
            // If-Match is not invalidated by every upload.
            Assert.Equal(version, claim.Version);
        else
            Assert.Equal(version + 1, claim.Version);
    }

    [Theory]
    [MemberData(nameof(RefusedMoves))]
    public void Every_other_move_is_refused_and_changes_nothing(Start start, Move move)
    {
        var claim = Build(start);
        var (stage, version, history, proposals) = (claim.Stage, claim.Version, claim.History.Count, claim.Proposals.Count);

        var error = Record.Exception(() => Perform(claim, move));

        if ((move is Move.ConfirmVerdictByOtherReviewer or Move.RejectVerdictByOtherReviewer) && proposals == 0)
        {
            // A claim that never had a proposal has none to name: the proposal asked for does not exist (404).
            Assert.IsType<NotFound>(error);
        }
        else
        {
            var refused = Assert.IsType<TransitionNotAllowed>(error);
            Assert.Equal(stage.ToString(), refused.From);
        }
        Assert.Equal(stage, claim.Stage);
        Assert.Equal(version, claim.Version);
        Assert.Equal(history, claim.History.Count);
        Assert.Equal(proposals, claim.Proposals.Count);
    }

    [Fact]
    public void The_table_starts_from_every_stage()
    {
        var reached = Enum.GetValues<Start>().Select(s => Build(s).Stage).ToHashSet();

        Assert.Equal(Enum.GetValues<ClaimStage>().ToHashSet(), reached);
    }

    [Fact]
    public void A_claim_that_was_decided_and_reopened_cannot_be_withdrawn()
    {
        var claim = Given.AReopenedClaim();

        var refused = Assert.Throws<TransitionNotAllowed>(() => claim.Withdraw(People.Investigator, "No longer relevant.", Later));

        Assert.Contains("decided", refused.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(ClaimStage.InCorroboration, claim.Stage);
    }

    [Theory]
    [InlineData(Start.Submitted)]
    [InlineData(Start.InCorroboration)]
    public void Only_the_investigator_who_submitted_a_claim_can_withdraw_it(Start start)
    {
        var claim = Build(start);
        var version = claim.Version;

        Assert.Throws<NotPermitted>(() => claim.Withdraw(People.Reviewer, "Looks like a duplicate.", Later));

        Assert.Equal(version, claim.Version);
        Assert.NotEqual(ClaimStage.Withdrawn, claim.Stage);
    }

    [Fact]
    public void Evidence_on_a_decided_claim_suggests_reopening_but_keeps_the_verdict()
    {
        var claim = Given.ADecidedClaim();
        var verdict = claim.VerdictProposalId;

        claim.AttachEvidence(Guid.NewGuid(), "SatelliteImage", People.Investigator, Later);

        Assert.True(claim.ReopeningSuggested);
        Assert.Equal(ClaimStage.Decided, claim.Stage);
        Assert.Equal(verdict, claim.VerdictProposalId);
    }

    [Fact]
    public void Reopening_clears_the_suggestion_to_reopen()
    {
        var claim = Given.ADecidedClaim();
        claim.AttachEvidence(Guid.NewGuid(), "Photo", People.Investigator, Later);

        claim.Reopen(People.Coordinator, "New photographs of the base.", Later);

        Assert.False(claim.ReopeningSuggested);
    }

    [Fact]
    public void Rejecting_at_triage_needs_a_reason()
    {
        var claim = Given.ASubmittedClaim();

        var invalid = Assert.Throws<InvariantViolation>(() => claim.Triage(People.Reviewer, TriageDecision.Reject, "  ", null, Later));

        Assert.Equal("reason", invalid.Field);
        Assert.Equal(ClaimStage.Submitted, claim.Stage);
    }

    [Fact]
    public void Withdrawing_needs_a_reason_and_a_refused_withdrawal_changes_nothing()
    {
        var claim = Given.AClaimInCorroboration();
        var version = claim.Version;

        var invalid = Assert.Throws<InvariantViolation>(() => claim.Withdraw(People.Investigator, " ", Later));

        Assert.Equal("reason", invalid.Field);
        Assert.Equal(ClaimStage.InCorroboration, claim.Stage);
        Assert.Equal(version, claim.Version);
        Assert.Null(claim.StageReason);
    }

    [Fact]
    public void Reopening_needs_a_reason_and_a_refused_reopening_keeps_the_verdict()
    {
        var claim = Given.ADecidedClaim();
        var verdict = claim.VerdictProposalId;

        var invalid = Assert.Throws<InvariantViolation>(() => claim.Reopen(People.Coordinator, null, Later));

        Assert.Equal("reason", invalid.Field);
        Assert.Equal(ClaimStage.Decided, claim.Stage);
        Assert.Equal(verdict, claim.VerdictProposalId);
    }

    [Fact]
    public void A_claim_cannot_be_rejected_as_a_duplicate_of_itself()
    {
        var claim = Given.ASubmittedClaim();

        var invalid = Assert.Throws<InvariantViolation>(() =>
            claim.Triage(People.Reviewer, TriageDecision.Reject, "Duplicate.", claim.Id, Later));

        Assert.Equal("duplicateOf", invalid.Field);
    }

    private static TheoryData<Start, Move> Moves(bool allowed)
    {
        var data = new TheoryData<Start, Move>();
        foreach (var start in Enum.GetValues<Start>())
        {
            foreach (var move in Enum.GetValues<Move>())
            {
                if (Allowed.ContainsKey((start, move)) == allowed)
                    data.Add(start, move);
            }
        }
        return data;
    }

    private static Claim Build(Start start) => start switch
    {
        Start.Submitted => Given.ASubmittedClaim(),
        Start.InCorroboration => Given.AClaimInCorroboration(),
        Start.InCorroborationAfterARejectedProposal => Given.AClaimWhoseProposalWasRejected(),
        Start.InCorroborationAfterReopening => Given.AReopenedClaim(),
        Start.VerdictProposed => Given.AClaimWithAProposedVerdict(),
        Start.Decided => Given.ADecidedClaim(),
        Start.Rejected => Given.ARejectedClaim(),
        Start.Withdrawn => Given.AWithdrawnClaim(),
        _ => throw new ArgumentOutOfRangeException(nameof(start), start, null),
    };

    private static void Perform(Claim claim, Move move)
    {
        switch (move)
        {
            case Move.TriageAccept:
                claim.Triage(People.Reviewer, TriageDecision.Accept, null, null, Later);
                break;
            case Move.TriageReject:
                claim.Triage(People.Reviewer, TriageDecision.Reject, "Out of scope.", null, Later);
                break;
            case Move.WithdrawBySubmitter:
                claim.Withdraw(People.Investigator, "Submitted by mistake.", Later);
                break;
            case Move.ProposeWeakVerdict:
                claim.ProposeVerdict(Guid.NewGuid(), People.Reviewer, VerdictRating.Weak, "A single source.", null, null,
                    Corroboration.None, Later);
                break;
            case Move.ConfirmVerdictByOtherReviewer:
                claim.ConfirmVerdict(LatestProposal(claim), People.SecondReviewer, Later);
                break;
            case Move.RejectVerdictByOtherReviewer:
                claim.RejectVerdict(LatestProposal(claim), People.SecondReviewer, "Too thin.", Later);
                break;
            case Move.Reopen:
                claim.Reopen(People.Coordinator, "New evidence arrived.", Later);
                break;
            case Move.AttachEvidence:
                claim.AttachEvidence(Guid.NewGuid(), "Photo", People.Investigator, Later);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(move), move, null);
        }
    }

    /// <summary>The proposal a reviewer would act on: the claim's latest, or, when it has none, one it never had.</summary>
    private static Guid LatestProposal(Claim claim) => claim.Proposals.LastOrDefault()?.Id ?? Guid.NewGuid();
}
