using Microsoft.AspNetCore.Identity;

namespace Verification.Persistence;

/// <summary>A person who works in the API: an investigator, reviewer or coordinator (roles say which).</summary>
public sealed class StaffUser : IdentityUser<Guid>
{
    public DateTime CreatedAt { get; set; }
}
