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
/// A staff member changes their own password (also the way out of a temporary one). The new security stamp retires
/// every other token of the account; the answer carries fresh tokens for this session.
/// </summary>
public static class ChangePassword
{
    public sealed record Command([property: NotAudited] string CurrentPassword, [property: NotAudited] string NewPassword) : ICommand<Result>;

    public sealed record Result(Guid UserId, SignInResponse Tokens) : IAuditTarget
    {
        public string AuditTargetId => UserId.ToString();
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.CurrentPassword).NotEmpty().MaximumLength(1024);
            RuleFor(c => c.NewPassword).NotEmpty().MaximumLength(1024)
                .NotEqual(c => c.CurrentPassword).WithMessage("The new password must differ from the current one.");
        }
    }

    internal sealed class Handler(UserManager<StaffUser> users, SignInManager<StaffUser> signIn, ICurrentUser me, BearerTokens tokens)
        : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var user = await users.FindByIdAsync(me.Id.ToString()) ?? throw new NotFound("User", me.Id);
            var changed = await users.ChangePasswordAsync(user, command.CurrentPassword, command.NewPassword);
            if (!changed.Succeeded)
                throw new InvalidRequest(changed.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch)) ? "currentPassword" : "newPassword",
                    string.Join(" ", changed.Errors.Select(e => e.Description)));
            user.MustChangePassword = false;
            await users.UpdateAsync(user);
            return new Result(user.Id, tokens.Issue(await signIn.CreateUserPrincipalAsync(user), mustChangePassword: false));
        }
    }
}
