using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Verification.Api.Infrastructure.Persistence;

/// <summary>
/// Per-connection SQLite settings, applied once to each physical connection (pooled connections keep them). Only
/// <c>temp_store=MEMORY</c> so far: SQLite writes a statement journal for the inserts of a transaction, and with
/// the default it opens a temporary file for it (<c>/var/tmp/etilqs_*</c>, seen with strace on every submission).
/// The journal is small (it holds the pages a statement changed until the statement ends) and in memory it costs
/// neither a file creation nor its removal. A write-ahead log and the database itself are unaffected.
/// </summary>
public sealed class SqliteConnectionSettings : DbConnectionInterceptor
{
    public static readonly SqliteConnectionSettings Instance = new();

    private const string Settings = "PRAGMA temp_store=MEMORY;";
    // Keyed by the native handle, which a pooled connection keeps from one open to the next.
    private readonly ConditionalWeakTable<object, object> _applied = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (connection is SqliteConnection sqlite && NeedsSettings(sqlite))
        {
            using var command = sqlite.CreateCommand();
            command.CommandText = Settings;
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (connection is SqliteConnection sqlite && NeedsSettings(sqlite))
        {
            await using var command = sqlite.CreateCommand();
            command.CommandText = Settings;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private bool NeedsSettings(SqliteConnection connection)
    {
        // One physical connection is used by one thread at a time, so check-then-add does not race for the same handle.
        if (connection.Handle is not { } handle || _applied.TryGetValue(handle, out _))
            return false;
        _applied.AddOrUpdate(handle, Instance);
        return true;
    }
}
