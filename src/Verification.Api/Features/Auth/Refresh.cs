using System.Security.Claims;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Pipeline;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Auth;

public static class Refresh
{
    // Owns its transactions: when a reused token is detected, the revocation must commit although the request is refused.
    public sealed record Command([property: NotAudited] string RefreshToken) : ICommand<ClaimsPrincipal>, IOwnsTransactions;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.RefreshToken).NotEmpty().MaximumLength(8192);
    }

    internal sealed class Handler(IOptionsMonitor<BearerTokenOptions> bearer, SignInManager<StaffUser> signIn, UserManager<StaffUser> users,
        VerificationDb db, TimeProvider clock, ILogger<Handler> logger)
        : ICommandHandler<Command, ClaimsPrincipal>
    {
        public async ValueTask<ClaimsPrincipal> Handle(Command command, CancellationToken cancellationToken)
        {
            var ticket = bearer.Get(IdentityConstants.BearerScheme).RefreshTokenProtector.Unprotect(command.RefreshToken);
            if (ticket?.Properties.ExpiresUtc is not { } expires || clock.GetUtcNow() >= expires)
                throw Refused();
            // The security stamp changes when roles or the password change, or when a reused token is detected below,
            // which retires every older refresh token.
            var user = await signIn.ValidateSecurityStampAsync(ticket.Principal);
            if (user is null || await users.IsLockedOutAsync(user))
                throw Refused();

            // The framework's refresh tokens can be traded any number of times until they expire, so a stolen one would
            // keep working next to its owner's. Each is made single-use here; a second use means two parties hold the
            // token, and the OAuth security BCP (RFC 9700 §4.14.2) answers by revoking the whole session family.
            if (!await ConsumeAsync(Hashing.Sha256Hex(command.RefreshToken), user.Id, expires.UtcDateTime, cancellationToken))
            {
                await users.UpdateSecurityStampAsync(user);
                logger.LogWarning("Refresh token reused for account {UserId}: every refresh token of the account is revoked", user.Id);
                throw new HttpProblem(StatusCodes.Status401Unauthorized, "Refresh refused",
                    "This refresh token has already been used; every session of this account was signed out. Sign in again.");
            }
            return await signIn.CreateUserPrincipalAsync(user);
        }

        /// <summary>
        /// Records the token as used; false when it already was. The primary key decides between concurrent trades of
        /// one token: exactly one insert commits, the others fail and find the winner's row.
        /// </summary>
        private async Task<bool> ConsumeAsync(string tokenHash, Guid userId, DateTime expiresAt, CancellationToken cancellationToken)
        {
            var consumed = new ConsumedRefreshToken
            {
                TokenHash = tokenHash,
                UserId = userId,
                ConsumedAt = clock.GetUtcNow().UtcDateTime,
                ExpiresAt = expiresAt,
            };
            // A replay one after the other is found by a read; only a true race reaches the insert's conflict.
            if (await db.ConsumedRefreshTokens.AnyAsync(t => t.TokenHash == tokenHash, cancellationToken))
                return false;
            db.ConsumedRefreshTokens.Add(consumed);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return true;
            }
            catch (DbUpdateException)
            {
                db.Entry(consumed).State = EntityState.Detached;
                if (await db.ConsumedRefreshTokens.AnyAsync(t => t.TokenHash == tokenHash, cancellationToken))
                    return false;
                throw;
            }
        }

        private static HttpProblem Refused() =>
            new(StatusCodes.Status401Unauthorized, "Refresh refused", "The refresh token is invalid or expired; sign in again.");
    }
}
