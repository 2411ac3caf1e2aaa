using System.Security.Claims;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Identity;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Pipeline;
using Verification.Persistence;

namespace Verification.Api.Features.Auth;

public static class Login
{
    // Outside the transaction: the failed-attempt count that Identity saves before the refusal must persist, or lockout never happens.
    public sealed record Command(string Email, [property: NotAudited] string Password,
        [property: NotAudited] string? TwoFactorCode = null, [property: NotAudited] string? RecoveryCode = null)
        : ICommand<Result>, IOwnsTransactions;

    public sealed record Result(ClaimsPrincipal Principal, bool MustChangePassword);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Email).NotEmpty().MaximumLength(256);
            RuleFor(c => c.Password).NotEmpty().MaximumLength(1024);
            RuleFor(c => c.TwoFactorCode).MaximumLength(16);
            RuleFor(c => c.RecoveryCode).MaximumLength(64);
        }
    }

    internal sealed class Handler(UserManager<StaffUser> users, SignInManager<StaffUser> signIn, ILogger<Handler> logger)
        : ICommandHandler<Command, Result>
    {
        // Verifying against a throwaway hash whenever no real verification runs (unknown email, locked or deactivated
        // account) keeps every refusal equally slow, so timing does not tell an attacker which addresses have accounts.
        private static readonly Lazy<string> DecoyHash = new(() => new PasswordHasher<StaffUser>().HashPassword(new StaffUser(), Guid.NewGuid().ToString()));

        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var user = await users.FindByEmailAsync(command.Email);
            if (user is null || user.DeactivatedAt is not null || await users.IsLockedOutAsync(user))
            {
                users.PasswordHasher.VerifyHashedPassword(new StaffUser(), DecoyHash.Value, command.Password);
                // Logged for the operator, never answered: the caller hears the one refusal (API.md).
                if (user is not null)
                    logger.LogWarning("Sign-in refused: account {UserId} is {State}", user.Id, user.DeactivatedAt is null ? "locked out" : "deactivated");
                throw SignInRefusal.Refused();
            }
            var result = await signIn.CheckPasswordSignInAsync(user, command.Password, lockoutOnFailure: true);
            if (!result.Succeeded)
            {
                logger.LogInformation("Sign-in failed for account {UserId}{Locked}", user.Id, result.IsLockedOut ? "; the account is now locked out" : "");
                throw SignInRefusal.Refused();
            }
            if (await users.GetTwoFactorEnabledAsync(user))
                await CheckSecondFactorAsync(user, command);
            return new Result(await signIn.CreateUserPrincipalAsync(user), user.MustChangePassword);
        }

        /// <summary>
        /// The password was right; the second factor decides. Without one the answer says that one is needed (only
        /// someone who knows the password learns that); a wrong one counts towards lockout like a wrong password.
        /// </summary>
        private async Task CheckSecondFactorAsync(StaffUser user, Command command)
        {
            if (string.IsNullOrWhiteSpace(command.TwoFactorCode) && string.IsNullOrWhiteSpace(command.RecoveryCode))
                throw new SignInRefusal(twoFactorRequired: true);
            var passed = !string.IsNullOrWhiteSpace(command.TwoFactorCode)
                ? await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider,
                    command.TwoFactorCode.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal))
                : (await users.RedeemTwoFactorRecoveryCodeAsync(user, command.RecoveryCode!.Trim())).Succeeded;
            if (!passed)
            {
                await users.AccessFailedAsync(user);
                logger.LogInformation("Sign-in failed for account {UserId}: wrong second factor", user.Id);
                throw SignInRefusal.Refused();
            }
            if (!string.IsNullOrWhiteSpace(command.RecoveryCode))
                logger.LogWarning("Account {UserId} signed in with a recovery code", user.Id);
            await users.ResetAccessFailedCountAsync(user);
        }
    }
}
