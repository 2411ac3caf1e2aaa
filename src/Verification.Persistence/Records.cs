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

/// <summary>
/// A refresh token that has been traded in, by its SHA-256 (never the token itself), kept until the token would have
/// expired anyway. The primary key makes a refresh token single-use: of two trades of one token, one insert fails.
/// </summary>
public sealed class ConsumedRefreshToken
{
    public string TokenHash { get; set; } = string.Empty;
    public Guid UserId { get; set; }
    public DateTime ConsumedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
}
