using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Identity;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Users;

public static class SetUserRoles
{
    public sealed record Command(Guid UserId, IReadOnlyList<string> Roles) : ICommand<Result>;

    public sealed record Result(UserResponse User) : IAuditTarget
    {
        public string AuditTargetId => User.Id.ToString();
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Roles).ValidRoles();
    }

    internal sealed class Handler(UserManager<StaffUser> users, VerificationDb db) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var wanted = command.Roles.Distinct().Order().ToArray();
            // The lock comes before the first read, so the roles and the count below are those after any concurrent change.
            await db.EnsureACoordinatorRemainsAsync(command.UserId, wanted.Contains(Roles.Coordinator), cancellationToken);
            var user = await users.FindByIdAsync(command.UserId.ToString()) ?? throw new NotFound("User", command.UserId);
            var current = await users.GetRolesAsync(user);

            var removed = await users.RemoveFromRolesAsync(user, current.Except(wanted));
            var added = await users.AddToRolesAsync(user, wanted.Except(current));
            if (!removed.Succeeded || !added.Succeeded)
                throw new InvalidOperationException("Identity refused a role change.");
            // A new security stamp retires the user's tokens: every instance refuses them at the next request (AccountChecks).
            await users.UpdateSecurityStampAsync(user);
            return new Result(new UserResponse(user.Id, user.Email!, wanted, user.DeactivatedAt is null));
        }
    }
}
