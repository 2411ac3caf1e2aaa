using Verification.Persistence;

namespace Verification.Api.Pipeline;

/// <summary>
/// Something kept beside the write side that must change with it: a claim's stored documents, its search text.
/// Every projection runs inside the command's transaction, after the command's changes are saved and before the
/// commit, with the claims the command touched (a claim counts as touched when it, its evidence, its verdict
/// proposals or its assignments were added or modified). A projection that fails fails the command, so the write
/// side and what is derived from it never disagree in a committed state.
/// <para>
/// Paths that write without the change tracker (bulk imports) call <see cref="ClaimProjectionRunner.RunAsync"/>
/// themselves with the claims they created.
/// </para>
/// </summary>
public interface IClaimProjection
{
    ValueTask ProjectAsync(VerificationDb db, IReadOnlyCollection<Guid> claimIds, CancellationToken cancellationToken);
}

/// <summary>Runs every registered projection, in registration order.</summary>
public sealed class ClaimProjectionRunner(IEnumerable<IClaimProjection> projections)
{
    private readonly IClaimProjection[] projections = [.. projections];

    public bool Any => projections.Length > 0;

    public async ValueTask RunAsync(VerificationDb db, IReadOnlyCollection<Guid> claimIds, CancellationToken cancellationToken)
    {
        if (claimIds.Count == 0)
            return;
        foreach (var projection in projections)
            await projection.ProjectAsync(db, claimIds, cancellationToken);
    }
}
