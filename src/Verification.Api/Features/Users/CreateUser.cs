using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Identity;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Pipeline;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Users;

public static class CreateUser
{
    public sealed record Command(string Email, [property: NotAudited] string Password, IReadOnlyList<string> Roles) : ICommand<Result>;

    public sealed record Result(UserResponse User) : IAuditTarget
    {
        public string AuditTargetId => User.Id.ToString();
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Email).NotEmpty().MaximumLength(256).EmailAddress();
            RuleFor(c => c.Password).NotEmpty().MaximumLength(1024);
            RuleFor(c => c.Roles).ValidRoles();
        }
    }

    internal sealed class Handler(UserManager<StaffUser> users, TimeProvider clock) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            if (await users.FindByEmailAsync(command.Email) is not null)
                throw new AlreadyExists("User exists", "A user with this email already exists.");
            var user = new StaffUser
            {
                Id = Guid.CreateVersion7(),
                UserName = command.Email,
                Email = command.Email,
                EmailConfirmed = true,
                CreatedAt = clock.GetUtcNow().UtcDateTime,
            };
            var created = await users.CreateAsync(user, command.Password);
            if (!created.Succeeded)
                throw new InvalidRequest(created.Errors.Any(e => e.Code.StartsWith("Password", StringComparison.Ordinal)) ? "password" : "email",
                    string.Join(" ", created.Errors.Select(e => e.Description)));
            var roles = command.Roles.Distinct().Order().ToArray();
            var added = await users.AddToRolesAsync(user, roles);
            if (!added.Succeeded)
                throw new InvalidRequest("roles", string.Join(" ", added.Errors.Select(e => e.Description)));
            return new Result(new UserResponse(user.Id, user.Email!, roles));
        }
    }
}
