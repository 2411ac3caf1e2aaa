using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Persistence;

/// <summary>
/// Set-based inserts of append-only rows: one multi-row <c>INSERT … VALUES (…), (…)</c> per chunk instead of one
/// statement per row through the change tracker. The statement is built from the EF Core model (table, column names,
/// each column's type mapping and value converter), so it writes exactly the rows <c>SaveChanges</c> would, on SQLite,
/// PostgreSQL and SQL Server alike. It runs in the context's current transaction, if any. For entities without database
/// generated values, shadow properties or owned types (a custody event, for instance); others are refused.
/// </summary>
public static class BulkInsert
{
    /// <summary>SQL Server takes at most 2,100 parameters and 1,000 rows in one VALUES list; this stays under both.</summary>
    private const int MaxParameters = 2000;
    private const int MaxRows = 1000;

    public static async Task<int> InsertRowsAsync<T>(this VerificationDb db, IReadOnlyList<T> rows, CancellationToken ct) where T : class
    {
        if (rows.Count == 0)
            return 0;
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var properties = entity.GetProperties().ToList();
        if (properties.Any(p => p.IsShadowProperty() || p.ValueGenerated != ValueGenerated.Never) || entity.GetNavigations().Any(n => n.TargetEntityType.IsOwned()))
            throw new NotSupportedException($"{typeof(T).Name} has generated values, shadow properties or owned types: insert it through SaveChanges.");

        var sql = db.GetService<ISqlGenerationHelper>();
        var head = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)))}) VALUES ";
        var mappings = properties.Select(p => (Getter: p.GetGetter(), Mapping: p.GetRelationalTypeMapping(), p.IsNullable)).ToList();
        var rowsPerStatement = Math.Min(MaxRows, MaxParameters / properties.Count);

        await using var factory = db.Database.GetDbConnection().CreateCommand();
        var written = 0;
        foreach (var chunk in rows.Chunk(rowsPerStatement))
        {
            var text = new StringBuilder(head, head.Length + chunk.Length * properties.Count * 8);
            var parameters = new List<DbParameter>(chunk.Length * 2);
            // A value equal to the same column's in the row before reuses its parameter: rows of one batch often share most
            // columns (the time, the action, the details of an export), and fewer parameters bind much faster (SQLite).
            var previous = new (object? Value, string Placeholder)?[mappings.Count];
            for (var r = 0; r < chunk.Length; r++)
            {
                text.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < mappings.Count; c++)
                {
                    if (c > 0)
                        text.Append(", ");
                    var (getter, mapping, nullable) = mappings[c];
                    var value = getter.GetClrValue(chunk[r]);
                    if (previous[c] is { } same && Equals(same.Value, value))
                    {
                        text.Append(same.Placeholder);
                        continue;
                    }
                    var name = "b" + parameters.Count.ToString(CultureInfo.InvariantCulture);
                    var placeholder = sql.GenerateParameterNamePlaceholder(name);
                    text.Append(placeholder);
                    previous[c] = (value, placeholder);
                    // CreateParameter applies the column's value converter (enums by name, times as UTC) and provider type.
                    parameters.Add(mapping.CreateParameter(factory, sql.GenerateParameterName(name), value, nullable));
                }
                text.Append(')');
            }
            written += await db.Database.ExecuteSqlRawAsync(text.ToString(), parameters, ct);
        }
        return written;
    }
}
