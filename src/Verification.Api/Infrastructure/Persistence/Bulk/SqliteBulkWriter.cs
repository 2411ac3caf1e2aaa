using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Persistence.Bulk;

/// <summary>
/// SQLite: one prepared multi-row <c>INSERT</c> per table, its parameters made by the EF type mappings (so GUIDs,
/// times and enums bind as <c>SaveChanges</c> binds them), reused for every chunk of rows for as long as the scope
/// lives on the same connection; the last, shorter chunk goes through a second command of its own size.
/// </summary>
public sealed class SqliteBulkWriter : IBulkWriter, IAsyncDisposable, IDisposable
{
    /// <summary>
    /// Parameters per statement. Microsoft.Data.Sqlite binds each parameter by name on every execution, and SQLite finds a
    /// name by walking the statement's list of names: binding n parameters costs n²/2 comparisons, so the cost per row
    /// grows with the rows per statement. In a sampled profile of a 20,000-row UCDP import the binding of 8 claim rows
    /// (384 parameters) per statement was two thirds of the bulk writer's time, and a standalone run of a 48-column
    /// table inserted 3-7x more rows per second with one row per statement than with eight. A wide table (a claim) goes
    /// in one row per statement; a narrow one (a history event) in a few.
    /// </summary>
    internal const int MaxParameters = 64;

    private readonly Dictionary<(Type, int), DbCommand> _commands = [];

    public async Task WriteAsync<T>(VerificationDb db, IReadOnlyList<T> rows, CancellationToken ct) where T : class
    {
        BulkWriterSetup.RequireTransaction(db);
        if (rows.Count == 0)
            return;
        var table = BulkTable.For<T>(db);
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        var perStatement = RowsPerStatement(table.Columns.Count);
        for (var start = 0; start < rows.Count; start += perStatement)
        {
            var count = Math.Min(perStatement, rows.Count - start);
            var command = await CommandAsync(typeof(T), table, count, connection, ct);
            command.Transaction = transaction;
            var parameters = command.Parameters;
            var p = 0;
            for (var r = start; r < start + count; r++)
            {
                var row = rows[r];
                foreach (var column in table.Columns)
                    parameters[p++].Value = column.Value(row) ?? DBNull.Value;
            }
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Rows per prepared statement for a table of this many columns: at least one, at most <see cref="MaxParameters"/> parameters.</summary>
    internal static int RowsPerStatement(int columns) => Math.Max(1, MaxParameters / columns);

    private async Task<DbCommand> CommandAsync(Type type, BulkTable table, int rows, DbConnection connection, CancellationToken ct)
    {
        if (_commands.TryGetValue((type, rows), out var cached))
        {
            if (cached.Connection == connection)
                return cached;
            await cached.DisposeAsync();
        }
        var command = connection.CreateCommand();
        var sql = new StringBuilder("INSERT INTO \"").Append(table.Name).Append("\" (")
            .AppendJoin(", ", table.Columns.Select(c => $"\"{c.Name}\"")).Append(") VALUES ");
        var p = 0;
        for (var r = 0; r < rows; r++)
        {
            sql.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < table.Columns.Count; c++)
            {
                var name = "@p" + p++;
                sql.Append(c == 0 ? name : ", " + name);
                command.Parameters.Add(table.Columns[c].Mapping.CreateParameter(command, name, null, table.Columns[c].Nullable));
            }
            sql.Append(')');
        }
        command.CommandText = sql.ToString();
        await command.PrepareAsync(ct);
        _commands[(type, rows)] = command;
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands.Values)
            await command.DisposeAsync();
        _commands.Clear();
    }

    // Scopes are also disposed synchronously (a job's scope, a test's CreateScope); a prepared SqliteCommand frees
    // its statements synchronously anyway.
    public void Dispose()
    {
        foreach (var command in _commands.Values)
            command.Dispose();
        _commands.Clear();
    }
}
