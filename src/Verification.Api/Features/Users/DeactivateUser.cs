using Mediator;
using Microsoft.AspNetCore.Identity;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Users;

/// <summary>
/// Deactivates an account: its tokens, refresh tokens and sign-ins are refused at once on every instance (the new
/// security stamp, and AccountChecks reading the account), and the row stays, so history still names it. The last
/// active coordinator cannot be deactivated.
/// </summary>
public static class DeactivateUser
{
    public sealed record Command(Guid UserId) : ICommand<Result>;

    public sealed record Result(UserResponse User) : IAuditTarget
    {
        public string AuditTargetId => User.Id.ToString();
    }

    internal sealed class Handler(UserManager<StaffUser> users, VerificationDb db, TimeProvider clock) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            await db.EnsureACoordinatorRemainsAsync(command.UserId, remainsActiveCoordinator: false, cancellationToken);
            var user = await users.FindByIdAsync(command.UserId.ToString()) ?? throw new NotFound("User", command.UserId);
            user.DeactivatedAt ??= clock.GetUtcNow().UtcDateTime;
            await users.UpdateSecurityStampAsync(user);
            return new Result(new UserResponse(user.Id, user.Email!, [.. (await users.GetRolesAsync(user)).Order()], Active: false));
        }
    }
}
