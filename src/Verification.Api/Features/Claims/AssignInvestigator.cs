using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Identity;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Claims;

public static class AssignInvestigator
{
    public sealed record Command(Guid ClaimId, long? ExpectedVersion, Guid? UserId) : ICommand<ClaimResponse>, IVersionedClaimCommand;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.UserId).NotNull().NotEqual(Guid.Empty);
    }

    internal sealed class Handler(VerificationDb db, UserManager<StaffUser> users, ICurrentUser user, TimeProvider clock)
        : ICommandHandler<Command, ClaimResponse>
    {
        public async ValueTask<ClaimResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var claim = await db.LoadForChangeAsync(command.ClaimId, command.ExpectedVersion, cancellationToken);
            var investigator = await users.FindByIdAsync(command.UserId!.Value.ToString());
            if (investigator is null || !await users.IsInRoleAsync(investigator, Roles.Investigator))
                throw new InvariantViolation("userId", "Only an existing investigator can be assigned to a claim.");
            claim.Assign(investigator.Id, user.Id, clock.GetUtcNow().UtcDateTime);
            return await db.SaveAndReadAsync(claim.Id, cancellationToken);
        }
    }
}
