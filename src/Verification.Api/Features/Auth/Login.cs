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
    public sealed record Command(string Email, [property: NotAudited] string Password) : ICommand<ClaimsPrincipal>, IOwnsTransactions;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Email).NotEmpty().MaximumLength(256);
            RuleFor(c => c.Password).NotEmpty().MaximumLength(1024);
        }
    }

    internal sealed class Handler(UserManager<StaffUser> users, SignInManager<StaffUser> signIn, ILogger<Handler> logger)
        : ICommandHandler<Command, ClaimsPrincipal>
    {
        // Verifying against a throwaway hash when the email is unknown keeps both answers equally slow, so timing
        // does not tell an attacker which addresses have accounts.
        private static readonly Lazy<string> DecoyHash = new(() => new PasswordHasher<StaffUser>().HashPassword(new StaffUser(), Guid.NewGuid().ToString()));

        public async ValueTask<ClaimsPrincipal> Handle(Command command, CancellationToken cancellationToken)
        {
            var user = await users.FindByEmailAsync(command.Email);
            if (user is null)
            {
                users.PasswordHasher.VerifyHashedPassword(new StaffUser(), DecoyHash.Value, command.Password);
                throw Refused();
            }
            var result = await signIn.CheckPasswordSignInAsync(user, command.Password, lockoutOnFailure: true);
            if (result.IsLockedOut)
            {
                logger.LogWarning("Sign-in refused: account {UserId} is locked out", user.Id);
                throw new HttpProblem(StatusCodes.Status401Unauthorized, "Account locked",
                    "Too many failed sign-ins; the account is locked for a while. Try again later or ask a coordinator.");
            }
            if (!result.Succeeded)
            {
                logger.LogInformation("Sign-in failed for account {UserId}", user.Id);
                throw Refused();
            }
            return await signIn.CreateUserPrincipalAsync(user);
        }

        private static HttpProblem Refused() =>
            new(StatusCodes.Status401Unauthorized, "Sign-in failed", "The email or password is wrong.");
    }
}
