using Mediator;
using Microsoft.AspNetCore.Identity;
using Verification.Api.Pipeline;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Users;

/// <summary>Lets a deactivated account sign in again; tokens from before the deactivation stay dead (a new security stamp).</summary>
public static class ReactivateUser
{
    public sealed record Command(Guid UserId) : ICommand<Result>;

    public sealed record Result(UserResponse User) : IAuditTarget
    {
        public string AuditTargetId => User.Id.ToString();
    }

    internal sealed class Handler(UserManager<StaffUser> users) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var user = await users.FindByIdAsync(command.UserId.ToString()) ?? throw new NotFound("User", command.UserId);
            user.DeactivatedAt = null;
            await users.UpdateSecurityStampAsync(user);
            return new Result(new UserResponse(user.Id, user.Email!, [.. (await users.GetRolesAsync(user)).Order()], Active: true));
        }
    }
}
