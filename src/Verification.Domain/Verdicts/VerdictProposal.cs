using Verification.Domain.Claims;

namespace Verification.Domain.Verdicts;

/// <summary>The civilian-harm grading used after Airwars.</summary>
public enum VerdictRating
{
    Confirmed,
    Fair,
    Weak,
    Contested,
    Discounted,
}

public enum ProposalStatus
{
    Pending,
    Confirmed,
    Rejected,
}

/// <summary>
/// A verdict one reviewer proposes and a different one confirms or rejects. Proposals are never deleted:
/// a reopened claim keeps every earlier verdict as a confirmed proposal in its history.
/// </summary>
public sealed class VerdictProposal
{
    private VerdictProposal() { }

    internal VerdictProposal(Guid id, Guid claimId, VerdictRating rating, string rationale, Harm harm,
        IReadOnlyList<string> attributedTo, Guid proposedBy, DateTime proposedAt)
    {
        Id = id;
        ClaimId = claimId;
        Rating = rating;
        Rationale = rationale;
        Harm = harm;
        AttributedTo = attributedTo;
        ProposedBy = proposedBy;
        ProposedAt = proposedAt;
        Status = ProposalStatus.Pending;
    }

    public Guid Id { get; private set; }
    public Guid ClaimId { get; private set; }
    public VerdictRating Rating { get; private set; }
    public string Rationale { get; private set; } = string.Empty;
    public Harm Harm { get; private set; } = Harm.Unknown;
    public IReadOnlyList<string> AttributedTo { get; private set; } = [];
    public Guid ProposedBy { get; private set; }
    public DateTime ProposedAt { get; private set; }
    public ProposalStatus Status { get; private set; }
    public Guid? DecidedBy { get; private set; }
    public DateTime? DecidedAt { get; private set; }
    public string? RejectionReason { get; private set; }

    internal void Confirm(Guid reviewer, DateTime now)
    {
        Status = ProposalStatus.Confirmed;
        DecidedBy = reviewer;
        DecidedAt = now;
    }

    internal void Reject(Guid reviewer, string reason, DateTime now)
    {
        Status = ProposalStatus.Rejected;
        DecidedBy = reviewer;
        DecidedAt = now;
        RejectionReason = reason;
    }
}
