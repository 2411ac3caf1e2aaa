using Microsoft.EntityFrameworkCore;
using Verification.Domain.Claims;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Security;

/// <summary>
/// Who may see which claim: reviewers and coordinators see all; an investigator sees the claims they submitted
/// or were assigned to. Written once as a query filter so reads and commands apply the same rule.
/// </summary>
public static class ClaimVisibility
{
    public static bool SeesAllClaims(this ICurrentUser user) =>
        user.IsSystem || user.IsInRole(Roles.Reviewer) || user.IsInRole(Roles.Coordinator);

    public static IQueryable<Claim> VisibleTo(this IQueryable<Claim> claims, ICurrentUser user)
    {
        if (user.SeesAllClaims())
            return claims;
        var me = user.Id;
        return claims.Where(c => c.SubmittedBy == me || c.Assignments.Any(a => a.UserId == me));
    }

    public static Task<bool> CanSee(VerificationDb db, ICurrentUser user, Guid claimId, CancellationToken ct) =>
        db.Claims.VisibleTo(user).AnyAsync(c => c.Id == claimId, ct);
}
