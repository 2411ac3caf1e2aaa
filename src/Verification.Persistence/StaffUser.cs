using Microsoft.AspNetCore.Identity;

namespace Verification.Persistence;

/// <summary>A person who works in the API: an investigator, reviewer or coordinator (roles say which).</summary>
public sealed class StaffUser : IdentityUser<Guid>
{
    public DateTime CreatedAt { get; set; }

    /// <summary>When a coordinator deactivated the account; null while it is active. The row stays: history names it.</summary>
    public DateTime? DeactivatedAt { get; set; }

    /// <summary>Set by a coordinator's password reset: the temporary password's token opens only the password change.</summary>
    public bool MustChangePassword { get; set; }
}
