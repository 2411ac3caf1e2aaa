namespace Verification.Api.Pipeline;

/// <summary>
/// A command's result that names the claims it wrote without the change tracker (a bulk import's batch). The audit
/// behaviour covers them as if it had seen them saved: their record states go into the command's audit entries, and
/// every <see cref="IClaimProjection"/> projects them, in the same transaction.
/// </summary>
public interface IClaimsWrittenInBulk
{
    IReadOnlyCollection<Guid> ClaimsWrittenInBulk { get; }
}
