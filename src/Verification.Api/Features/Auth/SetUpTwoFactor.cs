using Mediator;
using Microsoft.AspNetCore.Identity;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Auth;

/// <summary>
/// Starts TOTP enrolment (RFC 6238): a new shared key and its otpauth:// URI for an authenticator app. Nothing changes
/// at sign-in until <see cref="EnableTwoFactor"/> proves the app holds the key.
/// </summary>
public static class SetUpTwoFactor
{
    public sealed record Command : ICommand<Result>;

    public sealed record Result(Guid UserId, string SharedKey, string OtpauthUri) : IAuditTarget
    {
        public string AuditTargetId => UserId.ToString();
    }

    // Through the store, not UserManager.ResetAuthenticatorKeyAsync: that also renews the security stamp, which would
    // retire the very token that is about to send the enabling code.
    internal sealed class Handler(UserManager<StaffUser> users, IUserStore<StaffUser> store, ICurrentUser me) : ICommandHandler<Command, Result>
    {
        private const string Issuer = "Verification";

        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var user = await users.FindByIdAsync(me.Id.ToString()) ?? throw new NotFound("User", me.Id);
            if (await users.GetTwoFactorEnabledAsync(user))
                throw new RuleNotSatisfied("Two-factor sign-in already on", "Disable two-factor sign-in before setting up a new key.");
            var key = users.GenerateNewAuthenticatorKey();
            await ((IUserAuthenticatorKeyStore<StaffUser>)store).SetAuthenticatorKeyAsync(user, key, cancellationToken);
            await users.UpdateAsync(user);
            var label = Uri.EscapeDataString($"{Issuer}:{user.Email}");
            return new Result(user.Id, key, $"otpauth://totp/{label}?secret={key}&issuer={Issuer}&digits=6&period=30");
        }
    }
}
