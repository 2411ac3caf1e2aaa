using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Persistence.Bulk;

/// <summary>
/// SQLite: the import's own connection, held open for as long as the import runs, with three settings of that connection
/// changed for the import and put back before the connection returns to the pool (a connection that could not be set
/// back leaves the pool instead): the statement journals in memory, the WAL checkpointed every few batches and
/// once at the end rather than after every batch, and a larger page cache.
/// </summary>
/// <remarks>
/// <para><b>Statement journals.</b> Inside a transaction SQLite saves, before each statement changes a page the
/// transaction has already changed, that page's image in a statement journal (so that a failed statement can be undone
/// alone). It keeps that journal in memory until it passes 64 KiB, then in a temporary file (<c>/var/tmp/etilqs_*</c>)
/// for the rest of the transaction, rewritten from its start by every statement. An import batch (a thousand claims,
/// each into eleven indexes, the FTS5 and R*Tree triggers, the documents) passes 64 KiB early, and <c>strace</c> on the
/// API during a 30,000-row import saw 94% of the bytes it wrote go to that file: about 95 KiB per imported row of the
/// 125 KiB it wrote in all. <c>temp_store = MEMORY</c> keeps the journal in memory: it holds one statement's pages at a
/// time (a few pages for a claim's insert) and is emptied after each statement. The setting also moves the connection's
/// temporary tables and sorts into memory, which is why it is the import's connection only, and only while it imports.</para>
/// <para><b>Checkpoints.</b> A batch appends about 5,000 pages to the WAL, so with SQLite's default of a checkpoint
/// once the WAL passes 1,000 pages every batch's commit copied the batch's pages into the database file and synced
/// it. At <see cref="CheckpointPages"/> the import's commits checkpoint every three or four batches (pages that
/// consecutive batches change, index leaves and FTS5 segments, are copied once), and the import checkpoints what is
/// left when it finishes, so the next request's commit does not inherit a large checkpoint.</para>
/// <para><b>Page cache.</b> SQLite's default cache of 2,000 KiB holds a small part of what a batch touches (a thousand
/// claims into the tables, their indexes and the FTS5 segments), so the batch read pages back from the WAL again and again:
/// 41 KiB read per imported row at 100,000 rows, on the batch's thread, which is the import's critical path. At
/// <see cref="CacheKiB"/> it reads 21 KiB per row; 16 and 32 MiB read 18 and 16 KiB, for memory the import's flat-memory
/// target (64 MiB of growth) cannot spare. The cache is given back when the connection returns to the pool with its old size.</para>
/// <para>None of these changes durability: each batch's commit still syncs the WAL (<c>synchronous</c> is untouched), a
/// crash is recovered from the WAL, and the statement journal is never read after a commit or a crash.</para>
/// </remarks>
public static class SqliteImportConnection
{
    /// <summary>WAL pages (4 KiB) after which an import's commit checkpoints: 64 MiB of disk, not of memory.</summary>
    internal const int CheckpointPages = 16_000;

    /// <summary>The import connection's page cache in KiB (SQLite's default is 2,000 KiB); <c>PRAGMA cache_size</c> takes KiB as a negative number.</summary>
    internal const int CacheKiB = 8_192;

    /// <summary>Opens the context's connection and keeps it open, set for the import, until the result is disposed.</summary>
    public static async Task<IAsyncDisposable> HoldAsync(VerificationDb db, CancellationToken ct)
    {
        if (db.Provider != DatabaseProvider.Sqlite)
            return Nothing.Instance;
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        try
        {
            // SQLite decides where a transaction's statement journal lives when the transaction begins, so this comes
            // before the batches' BEGIN; temp_store is refused inside a transaction, and there is none yet.
            var tempStore = await ScalarAsync(connection, "PRAGMA temp_store", ct);
            var checkpoint = await ScalarAsync(connection, "PRAGMA wal_autocheckpoint", ct);
            var cache = await ScalarAsync(connection, "PRAGMA cache_size", ct);
            await ScalarAsync(connection, "PRAGMA temp_store = MEMORY", ct);
            await ScalarAsync(connection, "PRAGMA cache_size = -" + CacheKiB.ToString(CultureInfo.InvariantCulture), ct);
            await ScalarAsync(connection, "PRAGMA wal_autocheckpoint = " + CheckpointPages.ToString(CultureInfo.InvariantCulture), ct);
            return new Restore(db, tempStore, checkpoint, cache);
        }
        catch
        {
            await db.Database.CloseConnectionAsync();
            throw;
        }
    }

    private static async Task<long> ScalarAsync(DbConnection connection, string pragma, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = pragma;
        return await command.ExecuteScalarAsync(ct) is long value ? value : 0;
    }

    private sealed class Restore(VerificationDb db, long tempStore, long checkpoint, long cache) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            var connection = db.Database.GetDbConnection();
            var restored = false;
            try
            {
                if (db.Database.CurrentTransaction is null)
                {
                    // PASSIVE: copies what it can without waiting for readers; what it leaves, the next commit checkpoints.
                    await ScalarAsync(connection, "PRAGMA wal_checkpoint(PASSIVE)", CancellationToken.None);
                    await ScalarAsync(connection, "PRAGMA temp_store = " + tempStore.ToString(CultureInfo.InvariantCulture), CancellationToken.None);
                    await ScalarAsync(connection, "PRAGMA wal_autocheckpoint = " + checkpoint.ToString(CultureInfo.InvariantCulture), CancellationToken.None);
                    await ScalarAsync(connection, "PRAGMA cache_size = " + cache.ToString(CultureInfo.InvariantCulture), CancellationToken.None);
                    restored = true;
                }
            }
            finally
            {
                if (!restored && connection is SqliteConnection sqlite)
                    SqliteConnection.ClearPool(sqlite);
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    private sealed class Nothing : IAsyncDisposable
    {
        public static readonly Nothing Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
