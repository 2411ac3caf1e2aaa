using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SQLitePCL;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Persistence.Bulk;

/// <summary>
/// SQLite: multi-row <c>INSERT</c>s with positional parameters, prepared on the connection's own SQLite handle for each
/// call and bound by position through SQLitePCL (<see cref="SqliteColumnBinding"/>, Microsoft.Data.Sqlite's rules for
/// the values EF Core's mappings give), so the rows are stored as <c>SaveChanges</c> stores them. The statements run in
/// the connection's open transaction (the command's <c>BEGIN IMMEDIATE</c>, which already holds the write lock).
/// </summary>
/// <remarks>
/// The statements live for one call only: a call writes a batch's rows of one table (hundreds of rows for two
/// statements, the full and the last, shorter one), and a statement kept across calls would outlive the pooled
/// connection it was prepared on, which another scope may be using by then.
/// </remarks>
public sealed class SqliteBulkWriter : IBulkWriter
{
    /// <summary>
    /// Parameters per statement. Binding by name (Microsoft.Data.Sqlite) cost n²/2 name comparisons per statement, which
    /// held a statement to 64 (one claim of 43 columns); bound by position, a value costs the same whatever the
    /// statement's size, and each statement costs a step, a reset and their transitions, so a statement takes as many rows
    /// as SQLite's oldest default limit of parameters allows (999, SQLITE_MAX_VARIABLE_NUMBER before 3.32): 23 claims.
    /// </summary>
    internal const int MaxParameters = 999;

    private byte[] _utf8 = new byte[4096];

    public Task WriteAsync<T>(VerificationDb db, IReadOnlyList<T> rows, PreparedColumnValues? prepared, CancellationToken ct) where T : class
    {
        BulkWriterSetup.RequireTransaction(db);
        if (rows.Count == 0)
            return Task.CompletedTask;
        ct.ThrowIfCancellationRequested();
        var table = BulkTable.For<T>(db);
        var columns = table.Columns;
        var bindings = SqliteColumnBinding.For(table);
        var handle = ((SqliteConnection)db.Database.GetDbConnection()).Handle
            ?? throw new InvalidOperationException("The connection is not open.");
        var perStatement = RowsPerStatement(columns.Count);
        sqlite3_stmt? full = null, rest = null;
        try
        {
            for (var start = 0; start < rows.Count; start += perStatement)
            {
                var count = Math.Min(perStatement, rows.Count - start);
                var statement = count == perStatement
                    ? full ??= Prepare(handle, table, count)
                    : rest ??= Prepare(handle, table, count);
                var p = 1;
                for (var r = start; r < start + count; r++)
                {
                    var row = rows[r];
                    for (var c = 0; c < columns.Count; c++)
                        bindings[c].Bind(statement, p++, columns[c].Value(row, prepared), ref _utf8);
                }
                var rc = raw.sqlite3_step(statement);
                if (rc != raw.SQLITE_DONE)
                    SqliteException.ThrowExceptionForRC(rc, handle);
                rc = raw.sqlite3_reset(statement);
                if (rc != raw.SQLITE_OK)
                    SqliteException.ThrowExceptionForRC(rc, handle);
            }
        }
        finally
        {
            full?.Dispose();
            rest?.Dispose();
        }
        return Task.CompletedTask;
    }

    /// <summary>Rows per prepared statement for a table of this many columns: at least one, at most <see cref="MaxParameters"/> parameters.</summary>
    internal static int RowsPerStatement(int columns) => Math.Max(1, MaxParameters / columns);

    private static sqlite3_stmt Prepare(sqlite3 handle, BulkTable table, int rows)
    {
        var sql = new StringBuilder("INSERT INTO \"").Append(table.Name).Append("\" (")
            .AppendJoin(", ", table.Columns.Select(c => $"\"{c.Name}\"")).Append(") VALUES ");
        var row = "(" + string.Join(", ", Enumerable.Repeat("?", table.Columns.Count)) + ")";
        for (var r = 0; r < rows; r++)
            sql.Append(r == 0 ? row : ", " + row);
        var rc = raw.sqlite3_prepare_v2(handle, sql.ToString(), out var statement);
        if (rc != raw.SQLITE_OK)
        {
            statement.Dispose();
            SqliteException.ThrowExceptionForRC(rc, handle);
        }
        return statement;
    }
}
