using FluentValidation;
using Mediator;
using Verification.Api.Features.Notifications;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Notifications;
using Verification.Persistence;

namespace Verification.Api.Features.Claims;

public static class WithdrawClaim
{
    public sealed record Command(Guid ClaimId, long? ExpectedVersion, string? Reason) : ICommand<ClaimResponse>, IVersionedClaimCommand;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Reason).NotEmpty().MaximumLength(2000);
    }

    internal sealed class Handler(VerificationDb db, ICurrentUser user, TimeProvider clock, Notifier notifier) : ICommandHandler<Command, ClaimResponse>
    {
        public async ValueTask<ClaimResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var claim = await db.LoadForChangeAsync(command.ClaimId, command.ExpectedVersion, cancellationToken);
            claim.Withdraw(user.Id, command.Reason, clock.GetUtcNow().UtcDateTime);
            var response = await db.SaveAndReadAsync(claim.Id, cancellationToken);
            await notifier.NotifyClaimPeopleAsync(NotificationKind.ClaimWithdrawn, claim.Id, $"Claim {claim.Reference} was withdrawn by its submitter.", cancellationToken);
            return response;
        }
    }
}
