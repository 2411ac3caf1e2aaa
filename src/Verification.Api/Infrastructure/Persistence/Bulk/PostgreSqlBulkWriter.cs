using Microsoft.EntityFrameworkCore;
using Npgsql;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Persistence.Bulk;

/// <summary>PostgreSQL: binary <c>COPY ... FROM STDIN</c> through Npgsql, each value written with its column's store type.</summary>
public sealed class PostgreSqlBulkWriter : IBulkWriter
{
    public async Task WriteAsync<T>(VerificationDb db, IReadOnlyList<T> rows, PreparedColumnValues? prepared, CancellationToken ct) where T : class
    {
        BulkWriterSetup.RequireTransaction(db);
        if (rows.Count == 0)
            return;
        var table = BulkTable.For<T>(db);
        var types = table.Columns.Select(c => DataTypeName(c.Mapping.StoreType)).ToArray();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var copy = $"COPY {Quote(table.Schema, table.Name)} ({string.Join(", ", table.Columns.Select(c => Quote(null, c.Name)))}) FROM STDIN (FORMAT BINARY)";
        await using var importer = await connection.BeginBinaryImportAsync(copy, ct);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct);
            for (var c = 0; c < types.Length; c++)
            {
                if (table.Columns[c].Value(row, prepared) is { } value)
                    await importer.WriteAsync(value, types[c], ct);
                else
                    await importer.WriteNullAsync(ct);
            }
        }
        await importer.CompleteAsync(ct);
    }

    /// <summary>The store type without its facets: <c>character varying(200)</c> is written as <c>character varying</c>.</summary>
    private static string DataTypeName(string storeType) => storeType.IndexOf('(') is var i and >= 0 ? storeType[..i].TrimEnd() : storeType;

    private static string Quote(string? schema, string name) =>
        (schema is null ? "" : "\"" + schema.Replace("\"", "\"\"", StringComparison.Ordinal) + "\".") + "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
