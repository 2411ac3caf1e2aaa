using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SQLitePCL;
using Verification.Api.Infrastructure.Persistence.Bulk;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Imports;

/// <summary>
/// An import keeps SQLite's statement journals in memory on its own connection (SqliteImportConnection), and a larger
/// page cache; that connection goes back to a pool shared with every request, so it must go back as it was: an export's
/// sort of 100,000 rows on a connection left with temp_store = MEMORY would sort in the process's memory, and every idle
/// pooled connection left with the import's cache could hold that much memory.
/// </summary>
public sealed class ImportConnectionTests
{
    [Fact]
    public async Task The_import_connection_keeps_statement_journals_in_memory_checkpoints_less_often_caches_more_and_returns_to_the_pool_as_it_was()
    {
        await using var api = await TestApi.StartAsync(DatabaseProvider.Sqlite);
        string connectionString;
        await using (var scope = api.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
            connectionString = db.Database.GetConnectionString()!;
            await using (await SqliteImportConnection.HoldAsync(db, CancellationToken.None))
            {
                // The batches run their transactions on the connection held open for them.
                await using var transaction = await db.Database.BeginTransactionAsync();
                Assert.Equal(2, await PragmaAsync(db.Database.GetDbConnection(), "temp_store"));
                // 64 MiB of WAL in the new file's 16 KiB pages.
                Assert.Equal(SqliteFileFormat.PageBytes, await PragmaAsync(db.Database.GetDbConnection(), "page_size"));
                Assert.Equal(4096, await PragmaAsync(db.Database.GetDbConnection(), "wal_autocheckpoint"));
                Assert.Equal(-SqliteImportConnection.CacheKiB, await PragmaAsync(db.Database.GetDbConnection(), "cache_size"));
                // The batches' commits do not sync the WAL (NORMAL); the one that finishes the import does (FULL).
                Assert.Equal(1, await PragmaAsync(db.Database.GetDbConnection(), "synchronous"));
                await transaction.CommitAsync();
                await SqliteImportConnection.SyncCommitsAsync(db, CancellationToken.None);
                Assert.Equal(2, await PragmaAsync(db.Database.GetDbConnection(), "synchronous"));
            }
        }

        await ForEachPooledConnectionAsync(connectionString, async connection =>
        {
            Assert.Equal(0, await PragmaAsync(connection, "temp_store"));
            Assert.Equal(1000, await PragmaAsync(connection, "wal_autocheckpoint"));
            Assert.Equal(-2000, await PragmaAsync(connection, "cache_size"));
            Assert.Equal(2, await PragmaAsync(connection, "synchronous"));
        });
    }

    [Fact]
    public async Task An_import_connection_whose_settings_fail_half_way_does_not_go_back_to_the_pool_with_them()
    {
        await using var api = await TestApi.StartAsync(DatabaseProvider.Sqlite);
        string connectionString;
        await using (var scope = api.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
            connectionString = db.Database.GetConnectionString()!;
            await db.Database.OpenConnectionAsync();
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            // SQLite asks the authorizer before each PRAGMA runs: refusing the third setting leaves the first two on.
            raw.sqlite3_set_authorizer(connection.Handle, (_, action, pragma, value, _, _) =>
                action == raw.SQLITE_PRAGMA && pragma == "wal_autocheckpoint" && value is not null ? raw.SQLITE_DENY : raw.SQLITE_OK, null);
            await Assert.ThrowsAsync<SqliteException>(() => SqliteImportConnection.HoldAsync(db, CancellationToken.None));
            Assert.Equal(2, await PragmaAsync(connection, "temp_store"));
            Assert.Equal(-SqliteImportConnection.CacheKiB, await PragmaAsync(connection, "cache_size"));
            raw.sqlite3_set_authorizer(connection.Handle, (strdelegate_authorizer?)null, null);
            await db.Database.CloseConnectionAsync();
        }

        await ForEachPooledConnectionAsync(connectionString, async connection =>
        {
            Assert.Equal(0, await PragmaAsync(connection, "temp_store"));
            Assert.Equal(-2000, await PragmaAsync(connection, "cache_size"));
        });
    }

    /// <summary>Opens every idle connection of the pool at once, so the one the import used is among them, and checks each.</summary>
    private static async Task ForEachPooledConnectionAsync(string connectionString, Func<SqliteConnection, Task> check)
    {
        var connections = new List<SqliteConnection>();
        try
        {
            for (var i = 0; i < 8; i++)
            {
                var connection = new SqliteConnection(connectionString);
                await connection.OpenAsync();
                connections.Add(connection);
            }
            foreach (var connection in connections)
                await check(connection);
        }
        finally
        {
            foreach (var connection in connections)
                await connection.DisposeAsync();
        }
    }

    private static async Task<long> PragmaAsync(System.Data.Common.DbConnection connection, string pragma)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA " + pragma;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
