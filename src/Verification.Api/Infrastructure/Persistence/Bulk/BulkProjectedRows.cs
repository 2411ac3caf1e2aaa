using Microsoft.EntityFrameworkCore;
using Verification.Persistence;
using Verification.Persistence.Search;

namespace Verification.Api.Infrastructure.Persistence.Bulk;

/// <summary>
/// The projections' new rows of claims a command wrote in bulk (an import's batch), written by the bulk writer instead
/// of the change tracker. The projections add their rows to the context as for any command; this takes the rows they
/// added for those claims (documents and search text, both new rows, since the claims were created by this unit of
/// work), writes them with <see cref="IBulkWriter"/> in the command's transaction and stops tracking them, so the same
/// rows are stored without the tracked save's per-row cost. Rows for any other claim stay with the change tracker.
/// </summary>
public static class BulkProjectedRows
{
    public static async Task WriteAsync(VerificationDb db, IBulkWriter writer, IReadOnlySet<Guid> created, CancellationToken ct)
    {
        if (created.Count == 0)
            return;
        await WriteAsync(db, writer, created, static (ClaimDocument d) => d.ClaimId, ct);
        await WriteAsync(db, writer, created, static (ClaimSearchDocument d) => d.ClaimId, ct);
    }

    private static async Task WriteAsync<T>(VerificationDb db, IBulkWriter writer, IReadOnlySet<Guid> created,
        Func<T, Guid> claimId, CancellationToken ct) where T : class
    {
        var entries = db.ChangeTracker.Entries<T>()
            .Where(e => e.State == EntityState.Added && created.Contains(claimId(e.Entity)))
            .ToList();
        if (entries.Count == 0)
            return;
        await writer.WriteAsync(db, [.. entries.Select(e => e.Entity)], ct);
        foreach (var entry in entries)
            entry.State = EntityState.Detached;
    }
}
