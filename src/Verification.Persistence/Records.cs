namespace Verification.Persistence;

/// <summary>Hands out claim numbers: one row per number, so every provider's own identity column keeps them unique.</summary>
public sealed class ClaimNumber
{
    public long Id { get; set; }
    public DateTime IssuedAt { get; set; }
}

/// <summary>
/// The first response to a submission with an Idempotency-Key, kept per user for 24 hours so that a repeat
/// gets the same answer instead of a second claim.
/// </summary>
public sealed class IdempotencyRecord
{
    public Guid UserId { get; set; }
    public string Key { get; set; } = string.Empty;
    public string RequestHash { get; set; } = string.Empty;
    public Guid ResourceId { get; set; }
    public string ResponseBody { get; set; } = string.Empty;
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
}
