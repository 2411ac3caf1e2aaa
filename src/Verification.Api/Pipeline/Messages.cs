using Mediator;

namespace Verification.Api.Pipeline;

/// <summary>A command that acts on one claim: the authorization behaviour checks the caller may see it first.</summary>
public interface IClaimCommand
{
    Guid ClaimId { get; }
}

/// <summary>A read of something that belongs to one claim (its history, evidence, proposals): the same check, before the handler.</summary>
public interface IClaimQuery
{
    Guid ClaimId { get; }
}

/// <summary>A command that changes a claim's stage or fields and so needs the If-Match the caller read.</summary>
public interface IVersionedClaimCommand : IClaimCommand
{
    /// <summary>The version from If-Match; null when the header was missing (428).</summary>
    long? ExpectedVersion { get; }
}

/// <summary>A command that acts on one evidence item: checked like a claim command, through its claim.</summary>
public interface IEvidenceCommand
{
    Guid EvidenceId { get; }
}

/// <summary>Commands whose body must not reach the audit digest in a guessable form (passwords).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NotAuditedAttribute : Attribute;

/// <summary>A command's result that names the object it created or changed, for the audit entry's target.</summary>
public interface IAuditTarget
{
    string AuditTargetId { get; }
}

/// <summary>Marks commands that write nothing worth a place in the audit chain (sign-in attempts are logged instead).</summary>
public interface INotAudited;

/// <summary>A result that may report that nothing changed (an idempotent replay), so no audit entry is due.</summary>
public interface IMaybeUnchanged
{
    bool Unchanged { get; }
}

/// <summary>
/// A command that commits its own short transactions instead of one around the whole run: a long background check
/// (walking the audit chain, re-hashing evidence) would otherwise hold SQLite's write lock and stop every other
/// writer, and a command that waits on the outside world (webhook deliveries) would hold locks while a slow receiver
/// answers. The audit behaviour appends only inside a transaction, so such a command keeps its own record
/// (custody events, an operational check, a delivery log) and is not audited. Sign-in is one too: it is refused
/// with an exception, and the failure counter that leads to lockout must not roll back with it; a bulk import sends one
/// command per batch, and each batch is audited in its own transaction.
/// </summary>
public interface IOwnsTransactions : INotAudited;
/// <summary>A result that created or changed several objects: one audit entry for each, in the command's transaction.</summary>
public interface IAuditChanges
{
    IReadOnlyList<AuditedChange> AuditChanges { get; }
}

/// <summary>One object a command changed, and what was asked of it (hashed into the audit entry's digest).</summary>
/// <param name="ChangeDigest">
/// <see cref="AuditDigest.Of"/> of <paramref name="Change"/> when it was already computed (an import's read-ahead
/// thread hashes each row before its batch is written); null to have the audit behaviour compute it.
/// </param>
public sealed record AuditedChange(string TargetId, object Change, string? ChangeDigest = null);
