using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Identity;
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

    internal sealed class Handler(UserManager<StaffUser> users) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var user = await users.FindByIdAsync(command.UserId.ToString()) ?? throw new NotFound("User", command.UserId);
            var current = await users.GetRolesAsync(user);
            var wanted = command.Roles.Distinct().Order().ToArray();
            if (current.Contains(Roles.Coordinator) && !wanted.Contains(Roles.Coordinator)
                && (await users.GetUsersInRoleAsync(Roles.Coordinator)).Count <= 1)
                throw new RuleNotSatisfied("Last coordinator", "The last coordinator keeps the role; make someone else a coordinator first.");

            var removed = await users.RemoveFromRolesAsync(user, current.Except(wanted));
            var added = await users.AddToRolesAsync(user, wanted.Except(current));
            if (!removed.Succeeded || !added.Succeeded)
                throw new InvalidOperationException("Identity refused a role change.");
            // A new security stamp retires the user's refresh tokens, so the new roles apply at the next refresh.
            await users.UpdateSecurityStampAsync(user);
            return new Result(new UserResponse(user.Id, user.Email!, wanted));
        }
    }
}
