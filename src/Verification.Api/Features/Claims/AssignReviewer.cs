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

/// <summary>Names the reviewer who works on a claim: a coordinator names any reviewer, a reviewer takes an unassigned claim.</summary>
public static class AssignReviewer
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
            var reviewer = await users.FindByIdAsync(command.UserId!.Value.ToString());
            if (reviewer is null || !await users.IsInRoleAsync(reviewer, Roles.Reviewer))
                throw new InvariantViolation("userId", "Only an existing reviewer can review a claim.");
            claim.AssignReviewer(reviewer.Id, reviewer.Email!, user.Id, user.IsInRole(Roles.Coordinator), clock.GetUtcNow().UtcDateTime);
            var response = await db.SaveAndReadAsync(claim.Id, cancellationToken);
            await notifier.NotifyAsync([reviewer.Id], NotificationKind.Assigned, claim.Id, $"You were named reviewer of claim {claim.Reference}.", cancellationToken);
            return response;
        }
    }
}
