using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Persistence.Bulk;
using Verification.Persistence;

namespace Verification.Api.Tests.Foundation;

/// <summary>
/// A new SQLite database gets 16 KiB pages and WAL before its first table; a database made earlier keeps the page size
/// it was made with (SQLite cannot change it without rewriting the file), and the import's checkpoint follows the
/// file's own page size, so it stays 64 MiB of WAL either way.
/// </summary>
public sealed class SqliteFileFormatTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("verification-format-").FullName;

    [Fact]
    public async Task A_new_file_gets_16_KiB_pages_and_WAL_before_the_migrations_write_anything()
    {
        await using var db = Open(Path.Combine(_folder, "new.db"));
        await SqliteFileFormat.ApplyAsync(db.Database);
        await db.Database.MigrateAsync();

        Assert.Equal(16_384, await PageSizeAsync(db));
        Assert.Equal("wal", await JournalModeAsync(db));
        Assert.Equal(4_096, SqliteImportConnection.CheckpointPages(16_384));
    }

    [Fact]
    public async Task A_file_made_with_4_KiB_pages_keeps_them_and_its_rows()
    {
        var path = Path.Combine(_folder, "old.db");
        await using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await old.OpenAsync();
            await using var create = old.CreateCommand();
            create.CommandText = "PRAGMA page_size=4096; CREATE TABLE kept (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO kept VALUES (1, 'Kidal');";
            await create.ExecuteNonQueryAsync();
        }

        await using var db = Open(path);
        await SqliteFileFormat.ApplyAsync(db.Database);

        Assert.Equal(4_096, await PageSizeAsync(db));
        Assert.Equal("wal", await JournalModeAsync(db));
        Assert.Equal("Kidal", await db.Database.SqlQueryRaw<string>("SELECT text AS \"Value\" FROM kept WHERE id = 1").SingleAsync());
        Assert.Equal(16_384, SqliteImportConnection.CheckpointPages(4_096));
    }

    private static VerificationDb Open(string path) =>
        new(new DbContextOptionsBuilder<VerificationDb>().UseVerificationDatabase(DatabaseProvider.Sqlite, $"Data Source={path};Pooling=False").Options);

    private static Task<long> PageSizeAsync(VerificationDb db) =>
        db.Database.SqlQueryRaw<long>("SELECT page_size AS \"Value\" FROM pragma_page_size").SingleAsync();

    private static Task<string> JournalModeAsync(VerificationDb db) =>
        db.Database.SqlQueryRaw<string>("SELECT journal_mode AS \"Value\" FROM pragma_journal_mode").SingleAsync();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
