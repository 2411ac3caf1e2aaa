using FluentValidation;
using Mediator;
using Verification.Api.Features.Notifications;
using Verification.Api.Features.Partners;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Notifications;
using Verification.Persistence;

namespace Verification.Api.Features.Claims;

public static class ReopenClaim
{
    public sealed record Command(Guid ClaimId, long? ExpectedVersion, string? Reason) : ICommand<ClaimResponse>, IVersionedClaimCommand;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Reason).NotEmpty().MaximumLength(2000);
    }

    internal sealed class Handler(VerificationDb db, ICurrentUser user, TimeProvider clock, Notifier notifier, WebhookOutbox outbox) : ICommandHandler<Command, ClaimResponse>
    {
        public async ValueTask<ClaimResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var claim = await db.LoadForChangeAsync(command.ClaimId, command.ExpectedVersion, cancellationToken);
            claim.Reopen(user.Id, command.Reason, clock.GetUtcNow().UtcDateTime);
            await outbox.ClaimReopenedAsync(claim, cancellationToken);
            var response = await db.SaveAndReadAsync(claim.Id, cancellationToken);
            await notifier.NotifyClaimPeopleAsync(NotificationKind.ClaimReopened, claim.Id, $"Claim {claim.Reference} was reopened: it is in corroboration again.", cancellationToken);
            return response;
        }
    }
}
