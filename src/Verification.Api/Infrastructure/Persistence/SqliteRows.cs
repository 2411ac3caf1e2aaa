using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Verification.Api.Infrastructure.Persistence.Bulk;

namespace Verification.Api.Infrastructure.Persistence;

/// <summary>
/// One prepared read's statement on a kept SQLite connection, prepared and stepped through SQLitePCL itself instead of
/// Microsoft.Data.Sqlite's command and reader (<see cref="PreparedQuery.ReadSqlite{T}"/>). The reader reads each column
/// it is asked for, when it is asked: a blob is handed over as the span SQLite holds while the statement is on the row
/// (<see cref="Blob"/>), where Microsoft.Data.Sqlite copies it into a new array, and a column nobody asks for costs no
/// native call (each SQLitePCL call adds and releases a reference on the statement's <c>SafeHandle</c>).
/// The values read are those Microsoft.Data.Sqlite's reader gives (its <c>SqliteValueReader</c>, 10.0): integers as
/// <c>sqlite3_column_int64</c>, GUIDs from 16-byte blobs or their text, times from EF Core's text.
/// </summary>
public sealed class SqliteRows : IDisposable
{
    private readonly sqlite3_stmt _statement;
    private readonly int[] _indexes;
    private readonly SqliteColumnBinding[] _bindings;
    private byte[] _utf8 = new byte[64];
    private bool _stepped;

    private SqliteRows(sqlite3_stmt statement, int[] indexes, SqliteColumnBinding[] bindings)
    {
        _statement = statement;
        _indexes = indexes;
        _bindings = bindings;
    }

    /// <summary>
    /// Prepares <paramref name="sql"/> on <paramref name="connection"/> (open), with its parameters named
    /// <paramref name="names"/> bound as text, integers… by Microsoft.Data.Sqlite's rules for <paramref name="types"/>;
    /// null when the text is more than one statement (Microsoft.Data.Sqlite would run them all).
    /// </summary>
    public static SqliteRows? Prepare(SqliteConnection connection, string sql, IReadOnlyList<string> names, IReadOnlyList<SqliteType> types)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var rc = raw.sqlite3_prepare_v3(db, sql, raw.SQLITE_PREPARE_PERSISTENT, out var statement, out var tail);
        if (rc != raw.SQLITE_OK)
            SqliteException.ThrowExceptionForRC(rc, db);
        if (!string.IsNullOrWhiteSpace(tail) && tail.Trim() != ";")
        {
            statement.Dispose();
            return null;
        }
        var indexes = new int[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            // As Microsoft.Data.Sqlite binds a name given without its prefix.
            var name = names[i];
            var index = raw.sqlite3_bind_parameter_index(statement, name);
            foreach (var prefix in new[] { "@", ":", "$" })
            {
                if (index == 0 && !name.StartsWith(prefix, StringComparison.Ordinal))
                    index = raw.sqlite3_bind_parameter_index(statement, prefix + name);
            }
            if (index == 0)
            {
                statement.Dispose();
                throw new InvalidOperationException($"The statement has no parameter {name}.");
            }
            indexes[i] = index;
        }
        return new SqliteRows(statement, indexes, [.. types.Select(t => SqliteColumnBinding.Of(t, 0))]);
    }

    /// <summary>Binds the parameters' values (in the order of the names given to <see cref="Prepare"/>).</summary>
    internal void Bind(int parameter, object? value) => _bindings[parameter].Bind(_statement, _indexes[parameter], value, ref _utf8);

    /// <summary>
    /// Steps to the next row; false after the last. Busy or locked on the first step (another connection holds what this
    /// read needs), it waits and retries for up to 30 s, as Microsoft.Data.Sqlite's command does with its default timeout.
    /// </summary>
    public bool Next()
    {
        var rc = raw.sqlite3_step(_statement);
        if (!_stepped)
        {
            var waited = 0;
            while ((rc is raw.SQLITE_BUSY or raw.SQLITE_LOCKED or raw.SQLITE_LOCKED_SHAREDCACHE) && waited < 30_000)
            {
                raw.sqlite3_reset(_statement);
                Thread.Sleep(150);
                waited += 150;
                rc = raw.sqlite3_step(_statement);
            }
            _stepped = true;
        }
        if (rc == raw.SQLITE_ROW)
            return true;
        if (rc == raw.SQLITE_DONE)
            return false;
        SqliteException.ThrowExceptionForRC(rc, raw.sqlite3_db_handle(_statement));
        return false;
    }

    /// <summary>Ends the execution (its read transaction with it), keeps the statement and its bindings for the next.</summary>
    internal void Reset()
    {
        raw.sqlite3_reset(_statement);
        _stepped = false;
    }

    public bool IsNull(int ordinal) => raw.sqlite3_column_type(_statement, ordinal) == raw.SQLITE_NULL;

    public long Int64(int ordinal) => raw.sqlite3_column_int64(_statement, ordinal);

    /// <summary>The column's bytes while the statement is on this row; empty for an empty blob and for NULL (<see cref="IsNull"/> tells them apart).</summary>
    public ReadOnlySpan<byte> Blob(int ordinal) => raw.sqlite3_column_blob(_statement, ordinal);

    /// <summary>As Microsoft.Data.Sqlite's <c>GetGuid</c>: a 16-byte blob is the GUID's bytes, anything else its text.</summary>
    public Guid Guid(int ordinal)
    {
        if (raw.sqlite3_column_type(_statement, ordinal) == raw.SQLITE_BLOB)
        {
            var bytes = Blob(ordinal);
            if (bytes.Length == 16)
                return new Guid(bytes);
        }
        // Read for a claim whose document is not current only: the string is not worth avoiding.
        return new Guid(raw.sqlite3_column_text(_statement, ordinal).utf8_to_string());
    }

    /// <summary>A time EF Core stored as text, in UTC (<see cref="PreparedColumns.Utc"/>'s reading, for this statement).</summary>
    public DateTime Utc(int ordinal)
    {
        var type = raw.sqlite3_column_type(_statement, ordinal);
        if (type != raw.SQLITE_TEXT)
            throw new InvalidOperationException($"Column {ordinal} holds no time as EF Core writes it (SQLite type {type}).");
        var text = raw.sqlite3_column_text(_statement, ordinal).utf8_to_string();
        var time = PreparedColumns.TryParseStoredTime(text, out var parsed) ? parsed : DateTime.Parse(text, CultureInfo.InvariantCulture);
        return DateTime.SpecifyKind(time, DateTimeKind.Utc);
    }

    public void Dispose() => _statement.Dispose();
}
