using System.Security.Claims;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Security;

/// <summary>Who is acting: a signed-in staff member, or the system itself when a background job sends a command.</summary>
public interface ICurrentUser
{
    Guid Id { get; }
    bool IsInRole(string role);

    /// <summary>True only for work the system does on its own (background jobs), never for an HTTP caller.</summary>
    bool IsSystem { get; }

    /// <summary>How the audit chain names the actor: a user id, never an email or a name.</summary>
    string AuditName { get; }
}

public sealed class HttpCurrentUser(IHttpContextAccessor accessor) : ICurrentUser
{
    private ClaimsPrincipal Principal => accessor.HttpContext?.User ?? new ClaimsPrincipal();

    public Guid Id => Guid.TryParse(Principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : Guid.Empty;

    public bool IsInRole(string role) => Principal.IsInRole(role);

    public bool IsSystem => false;

    public string AuditName => Principal.FindFirstValue(PartnerAuthentication.PartnerIdClaim) is { } partner
        ? $"partner:{partner}"
        : Id == Guid.Empty ? "anonymous" : $"user:{Id}";
}
