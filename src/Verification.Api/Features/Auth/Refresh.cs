using System.Security.Claims;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Pipeline;
using Verification.Persistence;

namespace Verification.Api.Features.Auth;

public static class Refresh
{
    public sealed record Command([property: NotAudited] string RefreshToken) : ICommand<ClaimsPrincipal>, INotAudited;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.RefreshToken).NotEmpty().MaximumLength(8192);
    }

    internal sealed class Handler(IOptionsMonitor<BearerTokenOptions> bearer, SignInManager<StaffUser> signIn, UserManager<StaffUser> users, TimeProvider clock)
        : ICommandHandler<Command, ClaimsPrincipal>
    {
        public async ValueTask<ClaimsPrincipal> Handle(Command command, CancellationToken cancellationToken)
        {
            var ticket = bearer.Get(IdentityConstants.BearerScheme).RefreshTokenProtector.Unprotect(command.RefreshToken);
            if (ticket?.Properties.ExpiresUtc is not { } expires || clock.GetUtcNow() >= expires)
                throw Refused();
            // The security stamp changes when roles or the password change, which retires every older refresh token.
            var user = await signIn.ValidateSecurityStampAsync(ticket.Principal);
            if (user is null || await users.IsLockedOutAsync(user))
                throw Refused();
            return await signIn.CreateUserPrincipalAsync(user);
        }

        private static HttpProblem Refused() =>
            new(StatusCodes.Status401Unauthorized, "Refresh refused", "The refresh token is invalid or expired; sign in again.");
    }
}
