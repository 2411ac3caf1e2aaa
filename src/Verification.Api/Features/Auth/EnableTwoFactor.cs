using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Identity;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Auth;

/// <summary>
/// Turns two-factor sign-in on once a code from the new key checks, and answers ten recovery codes: shown this once,
/// stored only as hashes (VerificationUserStore).
/// </summary>
public static class EnableTwoFactor
{
    public sealed record Command([property: NotAudited] string Code) : ICommand<Result>;

    public sealed record Result(Guid UserId, IReadOnlyList<string> RecoveryCodes) : IAuditTarget
    {
        public string AuditTargetId => UserId.ToString();
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Code).NotEmpty().MaximumLength(16);
    }

    // Through the store, not UserManager.SetTwoFactorEnabledAsync, which renews the security stamp and so would sign
    // out the session that just enrolled.
    internal sealed class Handler(UserManager<StaffUser> users, IUserStore<StaffUser> store, ICurrentUser me) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var user = await users.FindByIdAsync(me.Id.ToString()) ?? throw new NotFound("User", me.Id);
            if (await users.GetAuthenticatorKeyAsync(user) is null)
                throw new RuleNotSatisfied("No key set up", "Call POST /api/v1/auth/2fa/setup first.");
            var code = command.Code.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
            if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
                throw new InvalidRequest("code", "The code does not match the key; check the authenticator app's clock and try the current code.");
            await ((IUserTwoFactorStore<StaffUser>)store).SetTwoFactorEnabledAsync(user, true, cancellationToken);
            await users.UpdateAsync(user);
            var codes = await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10) ?? [];
            return new Result(user.Id, [.. codes]);
        }
    }
}
