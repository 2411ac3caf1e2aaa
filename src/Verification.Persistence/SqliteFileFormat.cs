using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Verification.Persistence;

/// <summary>
/// How a SQLite database file is laid out, decided once, when the file is new: its page size and its journal (WAL).
/// <para>
/// <b>Page size.</b> A claim's stored staff document is 2–3 KB: on SQLite's default 4 KiB page one fits and the rest of
/// the page stays empty (37% of ClaimDocuments' pages unused at 111,000 imported claims), and every index and table
/// insert of an import rewrites a page of the WAL and, at the checkpoint, of the file. With
/// <see cref="PageBytes"/> pages the same 50,000 imported claims made 19% less file and took SQLite 25% less CPU
/// (docs/performance-changes.md, eleventh round), and reads by key cost the same. SQLite takes a page size only before the
/// file's first write, so an existing database keeps the page size it was made with (docs/operations.md says how to convert one).
/// </para>
/// <para><b>WAL</b> lets readers work while one writer commits; the setting is stored in the database file itself.</para>
/// </summary>
public static class SqliteFileFormat
{
    /// <summary>The page size of a new database file, in bytes.</summary>
    public const int PageBytes = 16_384;

    /// <summary>Sets the page size (a no-op on a file already written) and WAL, on the context's own connection.</summary>
    public static async Task ApplyAsync(DatabaseFacade database, CancellationToken ct = default)
    {
        await database.OpenConnectionAsync(ct);
        try
        {
            // The page size must come first: switching to WAL writes the file's first page.
            await using var command = database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA page_size=" + PageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) + "; PRAGMA journal_mode=WAL;";
            await command.ExecuteNonQueryAsync(ct);
        }
        finally
        {
            await database.CloseConnectionAsync();
        }
    }
}
