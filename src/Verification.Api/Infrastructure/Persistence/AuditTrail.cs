using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Integrity;
using Verification.Api.Infrastructure.Persistence.Bulk;
using Verification.Domain.Audit;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Persistence;

/// <summary>
/// Appends to the audit hash chain. Appends are serialised per database so the chain never forks: SQLite's
/// write transaction already holds the database lock; PostgreSQL takes a transaction-scoped advisory lock and
/// SQL Server an application lock, both released at commit. The sequence is also the primary key, so a writer
/// that somehow read a stale head fails instead of forking the chain.
/// <para>
/// Each entry also carries the digest of the record states it covers (<see cref="AuditRecordState"/>), and never
/// reuses a sequence number that a signed head covered: when the chain is shorter than the newest head (someone
/// deleted its newest entries), the next entry continues after the head's size, and verification names the gap.
/// </para>
/// </summary>
public sealed class AuditTrail(VerificationDb db, TimeProvider clock, TreeHeadsFile headsFile, IBulkWriter bulk, ILogger<AuditTrail> logger)
{
    /// <summary>From this many entries on (a bulk import's batch), entries and their states are bulk-written, not tracked.</summary>
    private const int BulkFrom = 32;

    // An arbitrary, fixed key that names "the audit chain head" among advisory locks.
    private const long AuditLockKey = 0x5645524946;

    public Task AppendAsync(string actor, string action, string? targetId, string changeDigest, CancellationToken ct) =>
        AppendManyAsync(actor, action, [(targetId, changeDigest)], [], ct);

    /// <summary>
    /// Appends one entry per change under a single lock and head read: a batch of a bulk import costs one round trip,
    /// not hundreds. A record state goes with the entry whose target is that record, otherwise with the last entry.
    /// </summary>
    /// <param name="save">
    /// False leaves a tracked append in the context for the caller's next save (in the same transaction), so rows the
    /// caller adds after it go out in the same round trip.
    /// </param>
    public async Task AppendManyAsync(string actor, string action, IReadOnlyList<(string? TargetId, string ChangeDigest)> changes,
        IReadOnlyList<(string RecordType, Guid RecordId, string Digest)> states, CancellationToken ct, bool save = true)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("Audit entries are appended inside the transaction of the change they record.");
        if (changes.Count == 0)
            return;

        ChainHead? head;
        switch (db.Provider)
        {
            case DatabaseProvider.Sqlite:
                // SQLite's write transaction already holds the only write lock: the change and its entry go in one save.
                head = await ReadHeadWithoutEfAsync(lockFirst: false, ct);
                break;
            case DatabaseProvider.PostgreSql:
                // The change is written before the lock is taken, so the lock is held for the entry alone; the lock and the
                // head are one round trip (two statements, each with its own snapshot, so the head is read after the lock).
                await db.SaveChangesAsync(ct);
                head = await ReadHeadWithoutEfAsync(lockFirst: true, ct);
                break;
            case DatabaseProvider.SqlServer:
                await db.SaveChangesAsync(ct);
                await db.Database.ExecuteSqlRawAsync(
                    "EXEC sp_getapplock @Resource = 'verification-audit-head', @LockMode = 'Exclusive', @LockOwner = 'Transaction'", ct);
                head = await ReadHeadAsync(ct);
                break;
            default:
                throw new InvalidOperationException($"No audit lock for {db.Provider}.");
        }
        var (sequence, hash) = (head?.Sequence ?? 0, head?.Hash ?? AuditEntry.GenesisHash);
        var signed = head is not null ? head.Signed : await db.SignedTreeHeads.AsNoTracking().MaxAsync(h => (long?)h.TreeSize, ct);
        var witnessed = Math.Max(headsFile.HighestTreeSize, signed ?? 0);
        if (sequence < witnessed)
        {
            // Entries a signed head covered are gone. Reusing their numbers would let new entries pass for the old
            // ones; continuing after the head leaves a gap that verification names at this very entry.
            logger.LogError("The audit chain ends at {Sequence}, but a signed head covered {Witnessed} entries: entries were deleted. " +
                "The next entry continues after the head.", sequence, witnessed);
            sequence = witnessed;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var byTarget = changes.Select((c, i) => (c.TargetId, i)).Where(c => c.TargetId is not null)
            .GroupBy(c => c.TargetId!).ToDictionary(g => g.Key, g => g.Last().i);
        var statesOf = new List<(string, Guid, string)>[changes.Count];
        for (var i = 0; i < statesOf.Length; i++)
            statesOf[i] = [];
        foreach (var state in states)
            statesOf[byTarget.TryGetValue(state.RecordId.ToString(), out var i) ? i : changes.Count - 1].Add(state);
        var entries = new List<AuditEntry>(changes.Count);
        var stateRows = new List<AuditRecordState>(states.Count);
        for (var i = 0; i < changes.Count; i++)
        {
            var (targetId, changeDigest) = changes[i];
            var entry = AuditEntry.Append(sequence, hash, now, actor, action, targetId, changeDigest, AuditRecordState.DigestOf(statesOf[i]));
            entries.Add(entry);
            foreach (var (type, id, digest) in statesOf[i])
                stateRows.Add(new AuditRecordState(entry.Sequence, type, id, digest));
            (sequence, hash) = (entry.Sequence, entry.Hash);
        }
        if (entries.Count >= BulkFrom)
        {
            // The same rows, without the change tracker: a batch of an import appends hundreds of entries at once.
            await bulk.WriteAsync(db, entries, ct);
            await bulk.WriteAsync(db, stateRows, ct);
        }
        else
        {
            db.AuditEntries.AddRange(entries);
            db.AuditRecordStates.AddRange(stateRows);
        }
        if (save)
            await db.SaveChangesAsync(ct);
    }

    /// <summary>The chain's last entry and the largest signed tree size (null when there is no signed head).</summary>
    private sealed record ChainHead(long Sequence, string Hash, long? Signed);

    /// <summary>
    /// The head and the largest signed tree size in one query (a subquery beside the head's row); only an empty chain
    /// needs the size read by itself.
    /// </summary>
    private Task<ChainHead?> ReadHeadAsync(CancellationToken ct) =>
        db.AuditEntries.AsNoTracking()
            .OrderByDescending(a => a.Sequence)
            .Select(a => new ChainHead(a.Sequence, a.Hash, db.SignedTreeHeads.Max(h => (long?)h.TreeSize)))
            .FirstOrDefaultAsync(ct);

    /// <summary>
    /// The query of <see cref="ReadHeadAsync"/> as a <see cref="PlainSqlCommand"/>: on SQLite it runs inside the writer
    /// gate, where EF Core's query pipeline cost more than the statement in a profile of submissions. On PostgreSQL the
    /// advisory lock goes in the same command (<paramref name="lockFirst"/>), so one round trip: Npgsql sends both
    /// statements together, and in READ COMMITTED each statement takes its own snapshot when it starts, so the head is
    /// read after the lock is granted and sees every entry committed before it.
    /// </summary>
    private async Task<ChainHead?> ReadHeadWithoutEfAsync(bool lockFirst, CancellationToken ct)
    {
        var sql = (lockFirst ? $"SELECT pg_advisory_xact_lock({AuditLockKey});\n" : string.Empty) + """
            SELECT a."Sequence", a."Hash", (SELECT max(s."TreeSize") FROM "SignedTreeHeads" AS s)
            FROM "AuditEntries" AS a
            ORDER BY a."Sequence" DESC
            LIMIT 1;
            """;
        await using var result = await PlainSqlCommand.ExecuteReaderAsync(db, sql, ct);
        var reader = result.DbDataReader;
        if (lockFirst && !await reader.NextResultAsync(ct))
            throw new InvalidOperationException("The audit head query returned no result.");
        if (!await reader.ReadAsync(ct))
            return null;
        return new ChainHead(reader.GetInt64(0), reader.GetString(1), await reader.IsDBNullAsync(2, ct) ? null : reader.GetInt64(2));
    }
}
