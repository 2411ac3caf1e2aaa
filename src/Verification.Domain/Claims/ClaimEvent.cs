namespace Verification.Domain.Claims;

/// <summary>One line of a claim's timeline. Appended by the claim's own methods, never edited.</summary>
public sealed class ClaimEvent
{
    private ClaimEvent() { }

    internal ClaimEvent(Guid claimId, DateTime at, Guid? actor, string action, string details)
    {
        Id = Guid.CreateVersion7();
        ClaimId = claimId;
        At = at;
        Actor = actor;
        Action = action;
        Details = details;
    }

    public Guid Id { get; private set; }
    public Guid ClaimId { get; private set; }
    public DateTime At { get; private set; }
    public Guid? Actor { get; private set; }
    public string Action { get; private set; } = string.Empty;
    public string Details { get; private set; } = string.Empty;
}

public sealed class ClaimAssignment
{
    private ClaimAssignment() { }

    internal ClaimAssignment(Guid claimId, Guid userId, Guid assignedBy, DateTime at)
    {
        ClaimId = claimId;
        UserId = userId;
        AssignedBy = assignedBy;
        AssignedAt = at;
    }

    public Guid ClaimId { get; private set; }
    public Guid UserId { get; private set; }
    public Guid AssignedBy { get; private set; }
    public DateTime AssignedAt { get; private set; }
}
