using FluentValidation;
using Verification.Persistence;

namespace Verification.Api.Features.Users;

/// <summary>A staff account; <c>active</c> is false once a coordinator deactivated it.</summary>
public sealed record UserResponse(Guid Id, string Email, IReadOnlyList<string> Roles, bool Active = true);

internal static class RoleRules
{
    public static void ValidRoles<T>(this IRuleBuilder<T, IReadOnlyList<string>> rule) =>
        rule.NotEmpty().WithMessage("Give at least one role.")
            .Must(r => r.Count <= Roles.All.Count).WithMessage("Too many roles.")
            .Must(r => r.All(Roles.All.Contains)).WithMessage($"A role is one of: {string.Join(", ", Roles.All)}.");
}
