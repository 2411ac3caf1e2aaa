using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Persistence.Bulk;

/// <summary>
/// SQLite: the import's own connection, held open for as long as the import runs, with four settings of that connection
/// changed for the import and put back before the connection returns to the pool (a connection that could not be set
/// back leaves the pool instead): the statement journals in memory, the WAL checkpointed every few batches and
/// once at the end rather than after every batch, a larger page cache, and batches committed without a sync of the WAL
/// until the commit that finishes the import.
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
/// <para><b>Checkpoints.</b> A batch appends about 20 MiB to the WAL (5,000 pages of 4 KiB when this was measured), so
/// with SQLite's default of a checkpoint once the WAL passes 1,000 pages every batch's commit copied the batch's pages
/// into the database file and synced it. At <see cref="CheckpointBytes"/> of WAL the import's commits checkpoint every
/// three or four batches (pages that consecutive batches change, index leaves and FTS5 segments, are copied once), and
/// the import checkpoints what is left when it finishes, so the next request's commit does not inherit a large
/// checkpoint.</para>
/// <para><b>Page cache.</b> SQLite's default cache of 2,000 KiB holds a small part of what a batch touches (a thousand
/// claims into the tables, their indexes and the FTS5 segments), so the batch read pages back from the WAL again and again:
/// 41 KiB read per imported row at 100,000 rows, on the batch's thread, which is the import's critical path. At
/// <see cref="CacheKiB"/> it reads 21 KiB per row; 16 and 32 MiB read 18 and 16 KiB, for memory the import's flat-memory
/// target (64 MiB of growth) cannot spare. The cache is given back when the connection returns to the pool with its old size.</para>
/// <para><b>Syncs.</b> With <c>synchronous = NORMAL</c> in WAL mode a commit is written to the WAL but not synced: a
/// crash of the process loses nothing, and a crash of the machine (power, kernel) can lose the last batches, never
/// half of one, and never the database's consistency (SQLite's own guarantee for WAL + NORMAL). An import is built
/// for exactly that loss: a batch's rows and the import's <c>processedRows</c> commit together, so a run resumed after
/// the crash (RequeueStuckImports) starts after the last batch that reached the disk. The import's first commit
/// (BeginImport, before the connection is held) and the commit that finishes it (<see cref="SyncCommitsAsync"/>) sync
/// as before, and the finishing sync covers every batch before it, since they are earlier frames of the same WAL file;
/// so does any other connection's commit meanwhile. What this saves is one fsync of the WAL per batch (about 14 ms on
/// this machine, 100 of them in a 100,000-row import) on the import's critical thread.</para>
/// <para>The statement journal is never read after a commit or a crash.</para>
/// </remarks>
public static class SqliteImportConnection
{
    /// <summary>WAL bytes after which an import's commit checkpoints: disk, not memory.</summary>
    internal const long CheckpointBytes = 64L << 20;

    /// <summary><see cref="CheckpointBytes"/> in pages of the file's own size, which is what <c>wal_autocheckpoint</c> takes.</summary>
    internal static long CheckpointPages(long pageBytes) => CheckpointBytes / Math.Max(512, pageBytes);

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
            var pageBytes = await ScalarAsync(connection, "PRAGMA page_size", ct);
            (string Pragma, long Value)[] forImport =
            [
                ("temp_store", 2), // MEMORY
                ("cache_size", -CacheKiB),
                ("wal_autocheckpoint", CheckpointPages(pageBytes)),
                ("synchronous", 1), // NORMAL
            ];
            var before = new (string Pragma, long Value)[forImport.Length];
            for (var i = 0; i < forImport.Length; i++)
                before[i] = (forImport[i].Pragma, await ScalarAsync(connection, "PRAGMA " + forImport[i].Pragma, ct));
            foreach (var setting in forImport)
                await SetAsync(connection, setting, ct);
            return new Restore(db, before);
        }
        catch
        {
            // Some of the import's settings may be on already: like a failed restore, the connection leaves the pool.
            if (connection is SqliteConnection sqlite)
                SqliteConnection.ClearPool(sqlite);
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

    private static Task<long> SetAsync(DbConnection connection, (string Pragma, long Value) setting, CancellationToken ct) =>
        ScalarAsync(connection, "PRAGMA " + setting.Pragma + " = " + setting.Value.ToString(CultureInfo.InvariantCulture), ct);

    /// <summary>
    /// Makes the import connection's next commit sync the WAL again (and with it every batch before it), for the commit
    /// that finishes the import: nothing the import reports as done can be lost after that.
    /// </summary>
    public static async Task SyncCommitsAsync(VerificationDb db, CancellationToken ct)
    {
        if (db.Provider == DatabaseProvider.Sqlite && db.Database.GetDbConnection() is { State: System.Data.ConnectionState.Open } connection)
            await SetAsync(connection, ("synchronous", 2), ct); // FULL
    }

    /// <summary>Puts back the connection's own values of the settings the import changed (<paramref name="before"/>).</summary>
    private sealed class Restore(VerificationDb db, (string Pragma, long Value)[] before) : IAsyncDisposable
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
                    foreach (var setting in before)
                        await SetAsync(connection, setting, CancellationToken.None);
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
