using BenchmarkDotNet.Attributes;
using Verification.Domain.Claims;
using Verification.Domain.Verdicts;

namespace Verification.Benchmarks.InProcess;

/// <summary>The claim stage machine on one Claim object: submit → triage → propose a verdict → confirm it (four eyes).</summary>
[MemoryDiagnoser]
public class StageMachineBenchmarks
{
    private static readonly Guid Investigator = new("11111111-1111-1111-1111-111111111111");
    private static readonly Guid Reviewer = new("22222222-2222-2222-2222-222222222222");
    private static readonly Guid SecondReviewer = new("33333333-3333-3333-3333-333333333333");
    private static readonly DateTime Now = new(2024, 4, 2, 9, 0, 0, DateTimeKind.Utc);

    private ClaimDetails _details = null!;

    [GlobalSetup]
    public void Setup() => _details = ClaimDetails.Create(
        "Drone strikes on the former MINUSMA base in Kidal",
        "Drones of the Malian Armed Forces, with the Wagner Group, struck the former MINUSMA base held by the CSP in Kidal on the night of 29–30 March 2024. Casualties unconfirmed.",
        [ViolationType.AttackCivilianHarm],
        Incident.Create(new DateOnly(2024, 3, 29), new DateOnly(2024, 3, 30), TimePrecision.Day, DateOnly.FromDateTime(Now)),
        Location.Create("Kidal", "ML", "Kidal", "Kidal", 18.4411, 1.4078, GeoPrecision.NearbyTown),
        [new Perpetrator("Malian Armed Forces (FAMa)", PerpetratorType.StateForce), new Perpetrator("Wagner Group", PerpetratorType.ForeignOrPrivateMilitary)],
        Harm.Unknown,
        [new Source(SourceType.LocalMedia, "Local radio report of the strikes", null)]);

    [Benchmark(Description = "submit → triage → propose → confirm")]
    public Claim SubmitTriageProposeConfirm()
    {
        var claim = Claim.Submit(Guid.CreateVersion7(), 17, Investigator, Now, _details);
        claim.Triage(Reviewer, TriageDecision.Accept, null, null, Now);
        var proposal = claim.ProposeVerdict(Guid.CreateVersion7(), Reviewer, VerdictRating.Weak, "A single local report; nothing independent yet.",
            null, ["Malian Armed Forces (FAMa)"], Corroboration.None, Now);
        claim.ConfirmVerdict(proposal.Id, SecondReviewer, Now);
        return claim;
    }
}
