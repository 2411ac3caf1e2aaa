using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Persistence;
using Verification.Domain.Staff;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Security;

/// <summary>What account commands share: the last-coordinator rule, counted under its lock.</summary>
public static class StaffAccounts
{
    private const string CoordinatorsLock = "verification:coordinators";

    /// <summary>
    /// Refuses a change that would leave no active coordinator. Takes the coordinators' lock first, so the count is
    /// read after any concurrent demotion or deactivation has committed (see <see cref="SerializingLock"/>).
    /// </summary>
    public static async Task EnsureACoordinatorRemainsAsync(this VerificationDb db, Guid userId, bool remainsActiveCoordinator, CancellationToken ct)
    {
        await db.AcquireAsync(CoordinatorsLock, ct);
        var coordinators = await db.UserRoles
            .Where(ur => db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Coordinator))
            .Join(db.Users.Where(u => u.DeactivatedAt == null), ur => ur.UserId, u => u.Id, (ur, _) => ur.UserId)
            .ToListAsync(ct);
        LastCoordinator.EnsureOneRemains(coordinators.Contains(userId), remainsActiveCoordinator, coordinators.Count);
    }
}
