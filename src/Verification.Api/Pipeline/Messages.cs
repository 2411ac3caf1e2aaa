using Mediator;

namespace Verification.Api.Pipeline;

/// <summary>A command that acts on one claim: the authorization behaviour checks the caller may see it first.</summary>
public interface IClaimCommand
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

/// <summary>
/// A command whose writes must stay when it answers with a refusal, so it runs outside the command transaction:
/// a failed sign-in is refused with an exception, and the failure counter that leads to lockout must not roll back.
/// </summary>
public interface IOutsideTransaction;

/// <summary>A result that may report that nothing changed (an idempotent replay), so no audit entry is due.</summary>
public interface IMaybeUnchanged
{
    bool Unchanged { get; }
}
