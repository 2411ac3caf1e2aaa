using System.Data;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Persistence.Bulk;

/// <summary>
/// SQL Server: <see cref="SqlBulkCopy"/> inside the command's transaction, constraints checked, the rows handed over
/// as a <see cref="DataTable"/> of provider values mapped to the columns by name.
/// </summary>
public sealed class SqlServerBulkWriter : IBulkWriter
{
    public async Task WriteAsync<T>(VerificationDb db, IReadOnlyList<T> rows, PreparedColumnValues? prepared, CancellationToken ct) where T : class
    {
        BulkWriterSetup.RequireTransaction(db);
        if (rows.Count == 0)
            return;
        var table = BulkTable.For<T>(db);
        using var data = new DataTable(table.Name);
        foreach (var column in table.Columns)
        {
            var type = column.Mapping.Converter?.ProviderClrType ?? column.Mapping.ClrType;
            data.Columns.Add(column.Name, Nullable.GetUnderlyingType(type) ?? type);
        }
        foreach (var row in rows)
        {
            var values = new object[table.Columns.Count];
            for (var c = 0; c < values.Length; c++)
                values[c] = table.Columns[c].Value(row, prepared) ?? DBNull.Value;
            data.Rows.Add(values);
        }
        var connection = (SqlConnection)db.Database.GetDbConnection();
        var transaction = (SqlTransaction)db.Database.CurrentTransaction!.GetDbTransaction();
        using var copy = new SqlBulkCopy(connection, SqlBulkCopyOptions.CheckConstraints, transaction)
        {
            DestinationTableName = (table.Schema is null ? "" : $"[{table.Schema}].") + $"[{table.Name}]",
            BatchSize = rows.Count,
        };
        foreach (var column in table.Columns)
            copy.ColumnMappings.Add(column.Name, column.Name);
        await copy.WriteToServerAsync(data, ct);
    }
}
