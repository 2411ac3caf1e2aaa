using Microsoft.EntityFrameworkCore;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Integrity;

/// <summary>The heads this instance signed, as stored: the newest is the largest tree, the latest signed among equals.</summary>
public sealed class TreeHeads(VerificationDb db) : ITreeHeads
{
    public async Task<SignedTreeHead?> LatestAsync(CancellationToken cancellationToken) =>
        await db.SignedTreeHeads.AsNoTracking()
            .OrderByDescending(h => h.TreeSize).ThenByDescending(h => h.Timestamp)
            .Select(h => new SignedTreeHead(h.TreeSize, h.RootHash, h.Timestamp, h.KeyId, h.Signature, h.TimestampToken))
            .FirstOrDefaultAsync(cancellationToken);
}

public static class IntegritySetup
{
    /// <summary>Signed tree heads, the heads file and the one audit verifier.</summary>
    public static IServiceCollection AddAuditIntegrity(this IServiceCollection services)
    {
        services.AddSingleton<TreeHeadsFile>();
        services.AddScoped<AuditVerifier>();
        services.AddScoped<ITreeHeads, TreeHeads>();
        return services;
    }
}
