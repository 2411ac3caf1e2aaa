using FluentValidation;
using Mediator;
using Verification.Api.Features.Notifications;
using Verification.Api.Features.Claims;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Notifications;
using Verification.Persistence;

namespace Verification.Api.Features.Verdicts;

public static class RejectVerdict
{
    public sealed record Command(Guid ClaimId, Guid ProposalId, long? ExpectedVersion, string? Reason) : ICommand<ClaimResponse>, IVersionedClaimCommand;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Reason).NotEmpty().MaximumLength(2000);
    }

    internal sealed class Handler(VerificationDb db, ICurrentUser user, TimeProvider clock, Notifier notifier) : ICommandHandler<Command, ClaimResponse>
    {
        public async ValueTask<ClaimResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var claim = await db.LoadForChangeAsync(command.ClaimId, command.ExpectedVersion, cancellationToken);
            claim.RejectVerdict(command.ProposalId, user.Id, command.Reason, clock.GetUtcNow().UtcDateTime);
            var response = await db.SaveAndReadAsync(claim.Id, cancellationToken);
            var proposer = claim.Proposals.First(p => p.Id == command.ProposalId).ProposedBy;
            await notifier.NotifyAsync([proposer], NotificationKind.ProposalRejected, claim.Id,
                $"Your verdict proposal on claim {claim.Reference} was rejected.", cancellationToken);
            return response;
        }
    }
}
