using Mediator;
using Microsoft.AspNetCore.Identity;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Auth;

/// <summary>
/// Turns two-factor sign-in off and forgets the key and the recovery codes. Refused to a coordinator while
/// Security:RequireTwoFactorForCoordinators is on.
/// </summary>
public static class DisableTwoFactor
{
    public sealed record Command : ICommand<Result>;

    public sealed record Result(Guid UserId) : IAuditTarget
    {
        public string AuditTargetId => UserId.ToString();
    }

    internal sealed class Handler(UserManager<StaffUser> users, ICurrentUser me, IConfiguration configuration) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var user = await users.FindByIdAsync(me.Id.ToString()) ?? throw new NotFound("User", me.Id);
            if (me.IsInRole(Roles.Coordinator) && configuration.GetValue("Security:RequireTwoFactorForCoordinators", false))
                throw new RuleNotSatisfied("Two-factor sign-in required", "Coordinators keep two-factor sign-in on here (Security:RequireTwoFactorForCoordinators).");
            if (!await users.GetTwoFactorEnabledAsync(user))
                throw new RuleNotSatisfied("Two-factor sign-in is off", "There is nothing to disable.");
            await users.SetTwoFactorEnabledAsync(user, false);
            await users.ResetAuthenticatorKeyAsync(user);
            await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 0);
            await users.UpdateSecurityStampAsync(user);
            return new Result(user.Id);
        }
    }
}
