using Mediator;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Persistence;

namespace Verification.Api.Features.Claims;

/// <summary>Frees a claim for another reviewer: the assigned reviewer themselves, or a coordinator.</summary>
public static class ReleaseReviewer
{
    public sealed record Command(Guid ClaimId, long? ExpectedVersion) : ICommand<ClaimResponse>, IVersionedClaimCommand;

    internal sealed class Handler(VerificationDb db, ICurrentUser user, TimeProvider clock) : ICommandHandler<Command, ClaimResponse>
    {
        public async ValueTask<ClaimResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var claim = await db.LoadForChangeAsync(command.ClaimId, command.ExpectedVersion, cancellationToken);
            claim.ReleaseReviewer(user.Id, user.IsInRole(Roles.Coordinator), clock.GetUtcNow().UtcDateTime);
            return await db.SaveAndReadAsync(claim.Id, cancellationToken);
        }
    }
}
