using Microsoft.EntityFrameworkCore;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Persistence.Bulk;

/// <summary>
/// Writes many new rows of one table in the command's open transaction without the change tracker: PostgreSQL's
/// binary <c>COPY</c>, SQLite's prepared multi-row <c>INSERT</c>, SQL Server's <c>SqlBulkCopy</c>. The rows are stored
/// exactly as <c>SaveChanges</c> would store them (<see cref="BulkTable"/>), but nothing is tracked: whatever derives from
/// them (record states, projections) must be told about them explicitly.
/// </summary>
public interface IBulkWriter
{
    /// <param name="prepared">Values converted ahead for instances the rows hold (<see cref="BulkTable.Prepare"/>); null: none.</param>
    Task WriteAsync<T>(VerificationDb db, IReadOnlyList<T> rows, PreparedColumnValues? prepared, CancellationToken ct) where T : class;

    Task WriteAsync<T>(VerificationDb db, IReadOnlyList<T> rows, CancellationToken ct) where T : class => WriteAsync(db, rows, null, ct);
}

public static class BulkWriterSetup
{
    /// <summary>The bulk writer of the database the scope's <see cref="VerificationDb"/> uses.</summary>
    public static IServiceCollection AddBulkWriters(this IServiceCollection services)
    {
        services.AddScoped<SqliteBulkWriter>();
        services.AddScoped<PostgreSqlBulkWriter>();
        services.AddScoped<SqlServerBulkWriter>();
        services.AddScoped<IBulkWriter>(sp => sp.GetRequiredService<VerificationDb>().Provider switch
        {
            DatabaseProvider.Sqlite => sp.GetRequiredService<SqliteBulkWriter>(),
            DatabaseProvider.PostgreSql => sp.GetRequiredService<PostgreSqlBulkWriter>(),
            DatabaseProvider.SqlServer => sp.GetRequiredService<SqlServerBulkWriter>(),
            var other => throw new InvalidOperationException($"No bulk writer for {other}."),
        });
        return services;
    }

    internal static void RequireTransaction(VerificationDb db)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("Bulk writes go inside the transaction of the command that makes them.");
    }
}
