namespace Verification.Domain.Claims;

/// <summary>
/// How long a claim may wait for the next reviewer step: a submitted claim for triage, a proposed verdict for its
/// confirmation by a second reviewer. Other stages wait on evidence, which has no deadline.
/// </summary>
public sealed record Deadlines(TimeSpan TriageWithin, TimeSpan ConfirmWithin)
{
    public static readonly Deadlines Default = new(TimeSpan.FromHours(72), TimeSpan.FromHours(48));

    /// <summary>A proposal is the claim's last stage move while it is VerdictProposed, so the claim's last change dates it closely enough.</summary>
    public DateTime? DueAt(ClaimStage stage, DateTime submittedAt, DateTime stageChangedAt) => stage switch
    {
        ClaimStage.Submitted => submittedAt + TriageWithin,
        ClaimStage.VerdictProposed => stageChangedAt + ConfirmWithin,
        _ => null,
    };
}
