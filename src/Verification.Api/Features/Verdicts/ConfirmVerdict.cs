using Mediator;
using Verification.Api.Features.Claims;
using Verification.Api.Features.Partners;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Persistence;

namespace Verification.Api.Features.Verdicts;

public static class ConfirmVerdict
{
    public sealed record Command(Guid ClaimId, Guid ProposalId, long? ExpectedVersion) : ICommand<ClaimResponse>, IVersionedClaimCommand;

    internal sealed class Handler(VerificationDb db, ICurrentUser user, TimeProvider clock, WebhookOutbox outbox) : ICommandHandler<Command, ClaimResponse>
    {
        public async ValueTask<ClaimResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var claim = await db.LoadForChangeAsync(command.ClaimId, command.ExpectedVersion, cancellationToken);
            claim.ConfirmVerdict(command.ProposalId, user.Id, clock.GetUtcNow().UtcDateTime);
            await outbox.ClaimDecidedAsync(claim, cancellationToken);
            return await db.SaveAndReadAsync(claim.Id, cancellationToken);
        }
    }
}
