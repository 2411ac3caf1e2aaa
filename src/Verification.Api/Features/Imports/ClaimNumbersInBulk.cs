using Microsoft.EntityFrameworkCore;
using Verification.Persistence;

namespace Verification.Api.Features.Imports;

/// <summary>
/// Claim numbers for a batch of imported claims in one statement: the same <c>ClaimNumbers</c> rows, one per claim, that
/// a submission takes, in ascending order. PostgreSQL and SQLite insert the batch's rows with one
/// <c>INSERT ... SELECT ... RETURNING</c>; SQL Server (and the change-tracker path) adds them through EF.
/// </summary>
internal static class ClaimNumbersInBulk
{
    public static async Task<long[]> IssueAsync(VerificationDb db, int count, DateTime issuedAt, bool bulk, CancellationToken ct)
    {
        FormattableString? sql = db.Provider switch
        {
            _ when !bulk => null,
            DatabaseProvider.PostgreSql =>
                $"""INSERT INTO "ClaimNumbers" ("IssuedAt") SELECT {issuedAt} FROM generate_series(1, {count}) ORDER BY 1 RETURNING "Id" AS "Value" """,
            DatabaseProvider.Sqlite =>
                $"""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) INSERT INTO "ClaimNumbers" ("IssuedAt") SELECT {issuedAt} FROM n WHERE true RETURNING "Id" AS "Value" """,
            _ => null,
        };
        if (sql is null)
        {
            var numbers = Enumerable.Range(0, count).Select(_ => new ClaimNumber { IssuedAt = issuedAt }).ToList();
            db.ClaimNumbers.AddRange(numbers);
            await db.SaveChangesAsync(ct);
            return [.. numbers.Select(n => n.Id)];
        }
        var ids = await db.Database.SqlQuery<long>(sql).ToListAsync(ct);
        if (ids.Count != count)
            throw new InvalidOperationException($"Asked for {count} claim numbers, got {ids.Count}.");
        ids.Sort();
        return [.. ids];
    }
}
