using FluentValidation;
using Mediator;
using Verification.Api.Features.Notifications;
using Microsoft.AspNetCore.Identity;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Common;
using Verification.Domain.Notifications;
using Verification.Persistence;

namespace Verification.Api.Features.Claims;

public static class AssignInvestigator
{
    public sealed record Command(Guid ClaimId, long? ExpectedVersion, Guid? UserId) : ICommand<ClaimResponse>, IVersionedClaimCommand;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.UserId).NotNull().NotEqual(Guid.Empty);
    }

    internal sealed class Handler(VerificationDb db, UserManager<StaffUser> users, ICurrentUser user, TimeProvider clock, Notifier notifier)
        : ICommandHandler<Command, ClaimResponse>
    {
        public async ValueTask<ClaimResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var claim = await db.LoadForChangeAsync(command.ClaimId, command.ExpectedVersion, cancellationToken);
            var investigator = await users.FindByIdAsync(command.UserId!.Value.ToString());
            if (investigator is null || !await users.IsInRoleAsync(investigator, Roles.Investigator))
                throw new InvariantViolation("userId", "Only an existing investigator can be assigned to a claim.");
            claim.Assign(investigator.Id, user.Id, clock.GetUtcNow().UtcDateTime);
            var response = await db.SaveAndReadAsync(claim.Id, cancellationToken);
            await notifier.NotifyAsync([investigator.Id], NotificationKind.Assigned, claim.Id, $"You were assigned to claim {claim.Reference}.", cancellationToken);
            return response;
        }
    }
}
