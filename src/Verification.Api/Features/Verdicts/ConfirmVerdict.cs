using Mediator;
using Verification.Api.Features.Notifications;
using Verification.Api.Features.Claims;
using Verification.Api.Features.Partners;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Notifications;
using Verification.Persistence;

namespace Verification.Api.Features.Verdicts;

public static class ConfirmVerdict
{
    public sealed record Command(Guid ClaimId, Guid ProposalId, long? ExpectedVersion) : ICommand<ClaimResponse>, IVersionedClaimCommand;

    internal sealed class Handler(VerificationDb db, ICurrentUser user, TimeProvider clock, WebhookOutbox outbox, Notifier notifier) : ICommandHandler<Command, ClaimResponse>
    {
        public async ValueTask<ClaimResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var claim = await db.LoadForChangeAsync(command.ClaimId, command.ExpectedVersion, cancellationToken);
            claim.ConfirmVerdict(command.ProposalId, user.Id, clock.GetUtcNow().UtcDateTime);
            await outbox.ClaimDecidedAsync(claim, cancellationToken);
            var response = await db.SaveAndReadAsync(claim.Id, cancellationToken);
            var proposer = claim.Proposals.First(p => p.Id == command.ProposalId).ProposedBy;
            await notifier.NotifyAsync([proposer], NotificationKind.ProposalConfirmed, claim.Id,
                $"Your verdict proposal on claim {claim.Reference} was confirmed.", cancellationToken);
            await notifier.NotifyAsync([claim.SubmittedBy], NotificationKind.ClaimDecided, claim.Id,
                $"Your claim {claim.Reference} was decided.", cancellationToken);
            return response;
        }
    }
}
