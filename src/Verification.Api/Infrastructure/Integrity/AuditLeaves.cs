using Microsoft.EntityFrameworkCore;
using Verification.Domain.Audit;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Integrity;

/// <summary>The leaf hashes of the first entries of the chain, in sequence order, for proofs.</summary>
public static class AuditLeaves
{
    public static async Task<(List<long> Sequences, List<byte[]> Leaves)> LoadAsync(VerificationDb db, long treeSize, string field, CancellationToken ct)
    {
        var rows = await db.AuditEntries.AsNoTracking().OrderBy(a => a.Sequence).Take((int)Math.Min(treeSize, int.MaxValue))
            .Select(a => new { a.Sequence, a.Hash }).ToListAsync(ct);
        if (rows.Count < treeSize)
            throw new InvariantViolation(field, $"The audit log holds {rows.Count} entries; there is no tree of {treeSize}.");
        return (rows.Select(r => r.Sequence).ToList(), rows.Select(r => MerkleTree.LeafHashOfHex(r.Hash)).ToList());
    }
}
