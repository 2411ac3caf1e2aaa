using Microsoft.EntityFrameworkCore;
using Verification.Domain.Claims;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Claims;

/// <summary>The two steps every claim command shares: load the aggregate for a change, and read the answer back.</summary>
internal static class ClaimCommands
{
    public static async Task<Claim> LoadForChangeAsync(this VerificationDb db, Guid claimId, long? expectedVersion, CancellationToken ct)
    {
        var claim = await db.Claims
            .Include(c => c.Proposals)
            .Include(c => c.Assignments)
            .AsSplitQuery()
            .FirstOrDefaultAsync(c => c.Id == claimId, ct)
            ?? throw new NotFound("Claim", claimId);
        if (expectedVersion is { } expected)
            claim.EnsureVersion(expected);
        return claim;
    }

    public static async Task<ClaimResponse> SaveAndReadAsync(this VerificationDb db, Guid claimId, CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        return await db.Claims.AsNoTracking().Where(c => c.Id == claimId).Select(ClaimProjection.ToResponse).SingleAsync(ct);
    }
}
