using Verification.Domain.Claims;
using Verification.Domain.Verdicts;

namespace Verification.Domain.Tests;

/// <summary>The people of the workflow, as fixed ids so that a failing test names who did what.</summary>
internal static class People
{
    public static readonly Guid Investigator = new("11111111-1111-1111-1111-111111111111");
    public static readonly Guid Reviewer = new("22222222-2222-2222-2222-222222222222");
    public static readonly Guid SecondReviewer = new("33333333-3333-3333-3333-333333333333");
    public static readonly Guid Coordinator = new("44444444-4444-4444-4444-444444444444");
}

/// <summary>The worked example of MISSION.md: the drone strike on the former MINUSMA base in Kidal, 29–30 March 2024.</summary>
internal static class Kidal
{
    public static readonly DateTime Now = new(2024, 4, 2, 9, 0, 0, DateTimeKind.Utc);
    public static readonly DateOnly Today = DateOnly.FromDateTime(Now);

    public static Incident Incident() =>
        Claims.Incident.Create(new DateOnly(2024, 3, 29), new DateOnly(2024, 3, 30), TimePrecision.Day, Today);

    public static Location Location() =>
        Claims.Location.Create("Kidal", "ML", "Kidal", "Kidal", 18.4411, 1.4078, GeoPrecision.NearbyTown);

    public static ClaimDetails Details() => ClaimDetails.Create(
        "Drone strikes on the former MINUSMA base in Kidal",
        "Drones of the Malian Armed Forces, with the Wagner Group, struck the former MINUSMA base held by the CSP "
            + "in Kidal on the night of 29–30 March 2024. Casualties unconfirmed.",
        [ViolationType.AttackCivilianHarm],
        Incident(),
        Location(),
        [
            new Perpetrator("Malian Armed Forces (FAMa)", PerpetratorType.StateForce),
            new Perpetrator("Wagner Group", PerpetratorType.ForeignOrPrivateMilitary),
        ],
        Harm.Unknown,
        [new Source(SourceType.LocalMedia, "Local radio report of the strikes", null)]);
}

/// <summary>
/// Claims in each stage, reached only through the domain's own methods (never by setting a stage), so that a
/// claim in a stage is exactly what the workflow produces.
/// </summary>
internal static class Given
{
    public const long Number = 17;

    public static Claim ASubmittedClaim() =>
        Claim.Submit(Guid.NewGuid(), Number, People.Investigator, Kidal.Now, Kidal.Details());

    public static Claim AClaimInCorroboration()
    {
        var claim = ASubmittedClaim();
        claim.Triage(People.Reviewer, TriageDecision.Accept, null, null, Kidal.Now);
        return Expect(claim, ClaimStage.InCorroboration);
    }

    public static Claim AClaimWithAProposedVerdict(VerdictRating rating = VerdictRating.Weak, Corroboration? corroboration = null)
    {
        var claim = AClaimInCorroboration();
        ProposeBy(claim, People.Reviewer, rating, corroboration);
        return Expect(claim, ClaimStage.VerdictProposed);
    }

    public static Claim ADecidedClaim()
    {
        var claim = AClaimWithAProposedVerdict();
        claim.ConfirmVerdict(claim.Proposals.Last().Id, People.SecondReviewer, Kidal.Now);
        return Expect(claim, ClaimStage.Decided);
    }

    public static Claim AReopenedClaim()
    {
        var claim = ADecidedClaim();
        claim.Reopen(People.Coordinator, "New satellite imagery of the base.", Kidal.Now);
        return Expect(claim, ClaimStage.InCorroboration);
    }

    public static Claim AClaimWhoseProposalWasRejected()
    {
        var claim = AClaimWithAProposedVerdict();
        claim.RejectVerdict(claim.Proposals.Last().Id, People.SecondReviewer, "One local report is too thin.", Kidal.Now);
        return Expect(claim, ClaimStage.InCorroboration);
    }

    public static Claim ARejectedClaim()
    {
        var claim = ASubmittedClaim();
        claim.Triage(People.Reviewer, TriageDecision.Reject, "Out of scope: no human-rights allegation.", null, Kidal.Now);
        return Expect(claim, ClaimStage.Rejected);
    }

    public static Claim AWithdrawnClaim()
    {
        var claim = ASubmittedClaim();
        claim.Withdraw(People.Investigator, "Submitted twice by mistake.", Kidal.Now);
        return Expect(claim, ClaimStage.Withdrawn);
    }

    public static VerdictProposal ProposeBy(Claim claim, Guid reviewer, VerdictRating rating = VerdictRating.Weak,
        Corroboration? corroboration = null) =>
        claim.ProposeVerdict(Guid.NewGuid(), reviewer, rating, "A single local report; nothing independent yet.",
            null, ["Malian Armed Forces (FAMa)"], corroboration ?? Corroboration.None, Kidal.Now);

    private static Claim Expect(Claim claim, ClaimStage stage) =>
        claim.Stage == stage ? claim : throw new InvalidOperationException($"The builder reached {claim.Stage}, not {stage}.");
}
