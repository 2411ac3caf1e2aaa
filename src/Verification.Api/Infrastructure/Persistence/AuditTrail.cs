using Microsoft.EntityFrameworkCore;
using Verification.Domain.Audit;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Persistence;

/// <summary>
/// Appends to the audit hash chain. Appends are serialised per database so the chain never forks: SQLite's
/// write transaction already holds the database lock; PostgreSQL takes a transaction-scoped advisory lock and
/// SQL Server an application lock, both released at commit. The sequence is also the primary key, so a writer
/// that somehow read a stale head fails instead of forking the chain.
/// </summary>
public sealed class AuditTrail(VerificationDb db, TimeProvider clock)
{
    // An arbitrary, fixed key that names "the audit chain head" among advisory locks.
    private const long AuditLockKey = 0x5645524946;

    public Task AppendAsync(string actor, string action, string? targetId, string changeDigest, CancellationToken ct) =>
        AppendManyAsync(actor, action, [(targetId, changeDigest)], ct);

    /// <summary>Appends one entry per change under a single lock and head read: a batch of a bulk import costs one round trip, not hundreds.</summary>
    public async Task AppendManyAsync(string actor, string action, IReadOnlyList<(string? TargetId, string ChangeDigest)> changes, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("Audit entries are appended inside the transaction of the change they record.");
        if (changes.Count == 0)
            return;

        switch (db.Provider)
        {
            case DatabaseProvider.Sqlite:
                // SQLite's write transaction already holds the only write lock: the change and its entry go in one save.
                break;
            case DatabaseProvider.PostgreSql:
                // The change is written before the lock is taken, so the lock is held for the entry alone.
                await db.SaveChangesAsync(ct);
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({AuditLockKey})", ct);
                break;
            case DatabaseProvider.SqlServer:
                await db.SaveChangesAsync(ct);
                await db.Database.ExecuteSqlRawAsync(
                    "EXEC sp_getapplock @Resource = 'verification-audit-head', @LockMode = 'Exclusive', @LockOwner = 'Transaction'", ct);
                break;
        }

        var head = await db.AuditEntries.AsNoTracking()
            .OrderByDescending(a => a.Sequence)
            .Select(a => new { a.Sequence, a.Hash })
            .FirstOrDefaultAsync(ct);
        var (sequence, hash) = (head?.Sequence ?? 0, head?.Hash ?? AuditEntry.GenesisHash);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var (targetId, changeDigest) in changes)
        {
            var entry = AuditEntry.Append(sequence, hash, now, actor, action, targetId, changeDigest);
            db.AuditEntries.Add(entry);
            (sequence, hash) = (entry.Sequence, entry.Hash);
        }
        await db.SaveChangesAsync(ct);
    }
}
