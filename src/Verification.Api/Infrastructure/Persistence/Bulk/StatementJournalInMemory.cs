using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Persistence.Bulk;

/// <summary>
/// SQLite: keeps the statement journals of an import's transactions in memory, on the import's own connection, for as
/// long as the import runs; the connection's previous setting is put back before it returns to the pool.
/// </summary>
/// <remarks>
/// Inside a transaction SQLite saves, before each statement changes a page the transaction has already changed, that
/// page's image in a statement journal (so that a failed statement can be undone alone). It keeps that journal in
/// memory until it passes 64 KiB, then in a temporary file (<c>/var/tmp/etilqs_*</c>) for the rest of the transaction,
/// rewritten from its start by every statement. An import batch (a thousand claims, each into eleven indexes, the FTS5
/// and R*Tree triggers, the documents) passes 64 KiB early, and <c>strace</c> on the API during a 30,000-row import saw
/// 94% of the bytes it wrote go to that file: about 120 KiB per imported row, against 7 KiB to the WAL.
/// <c>temp_store = MEMORY</c> keeps the journal in memory: it holds one statement's pages at a time (a few pages for a
/// claim's insert) and is emptied after each statement, so memory stays flat. Nothing about durability changes: the
/// statement journal is never read after a commit or a crash (the WAL is), and <c>synchronous</c> is untouched.
/// The setting also moves the connection's temporary tables and sorts into memory, which is why it is the import's
/// connection only, and only while the import runs (an export's sort of 100,000 rows stays on disk).
/// </remarks>
public static class StatementJournalInMemory
{
    /// <summary>Opens the context's connection and keeps it open, with the journal in memory, until the result is disposed.</summary>
    public static async Task<IAsyncDisposable> HoldAsync(VerificationDb db, CancellationToken ct)
    {
        if (db.Provider != DatabaseProvider.Sqlite)
            return Nothing.Instance;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            // SQLite decides where a transaction's statement journal lives when the transaction begins, so this must
            // come before the batches' BEGIN; it is refused inside a transaction, and there is none yet.
            var previous = await db.Database.SqlQueryRaw<int>("SELECT temp_store AS \"Value\" FROM pragma_temp_store").SingleAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA temp_store = MEMORY", ct);
            return new Restore(db, previous);
        }
        catch
        {
            await db.Database.CloseConnectionAsync();
            throw;
        }
    }

    private sealed class Restore(VerificationDb db, int previous) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // A pooled connection keeps its pragmas: the next user of this one gets the setting it had before, and a
            // connection that could not be set back leaves the pool instead.
            var restored = false;
            try
            {
                if (db.Database.CurrentTransaction is null)
                {
                    await db.Database.ExecuteSqlRawAsync(previous switch
                    {
                        1 => "PRAGMA temp_store = FILE",
                        2 => "PRAGMA temp_store = MEMORY",
                        _ => "PRAGMA temp_store = DEFAULT",
                    });
                    restored = true;
                }
            }
            finally
            {
                if (!restored && db.Database.GetDbConnection() is SqliteConnection connection)
                    SqliteConnection.ClearPool(connection);
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
