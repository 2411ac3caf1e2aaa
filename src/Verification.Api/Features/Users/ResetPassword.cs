using System.Security.Cryptography;
using Mediator;
using Microsoft.AspNetCore.Identity;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Users;

/// <summary>
/// A coordinator gives an account a temporary password, shown once in the answer and nowhere else (not in a log, not
/// in the audit digest). Its old tokens die with the new security stamp; a sign-in with the temporary password answers
/// mustChangePassword and its token opens only POST /auth/password. It also lifts a lockout: this is how an operator
/// unlocks an account before the lockout ends by itself.
/// </summary>
public static class ResetPassword
{
    public sealed record Command(Guid UserId) : ICommand<Result>;

    public sealed record Result(Guid UserId, string TemporaryPassword) : Pipeline.IAuditTarget
    {
        public string AuditTargetId => UserId.ToString();
    }

    internal sealed class Handler(UserManager<StaffUser> users) : ICommandHandler<Command, Result>
    {
        // No look-alike characters: a temporary password is read out or typed by hand. 20 of 54 symbols: over 115 bits.
        private const string Alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var user = await users.FindByIdAsync(command.UserId.ToString()) ?? throw new NotFound("User", command.UserId);
            var temporary = RandomNumberGenerator.GetString(Alphabet, 20);
            var reset = await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), temporary);
            if (!reset.Succeeded)
                throw new InvalidOperationException("Identity refused the temporary password: " + string.Join(" ", reset.Errors.Select(e => e.Code)));
            user.MustChangePassword = true;
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
            await users.UpdateAsync(user);
            return new Result(user.Id, temporary);
        }
    }
}
