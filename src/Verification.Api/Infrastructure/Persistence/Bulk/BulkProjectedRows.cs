using Verification.Persistence;
using Verification.Persistence.Search;

namespace Verification.Api.Infrastructure.Persistence.Bulk;

/// <summary>
/// The projections' new rows (documents and search text) of claims a command wrote in bulk (an import's batch), collected
/// here instead of in the change tracker and written by <see cref="IBulkWriter"/> in the command's transaction. The
/// claims were created by this unit of work, so their rows are all new. A profile of a SQLite import's batch had the
/// tracker's <c>Add</c> of each row, then finding and detaching them again, at a fifth of the batch's thread. Rows of
/// any other claim go to the change tracker as for any command.
/// </summary>
public sealed class BulkProjectedRows(IReadOnlySet<Guid> claims)
{
    private readonly List<ClaimDocument> _documents = new(claims.Count);
    private readonly List<ClaimSearchDocument> _searchDocuments = new(claims.Count);

    /// <summary>Takes <paramref name="row"/> if its claim was written in bulk; false leaves it to the caller to track.</summary>
    public bool TryAdd(ClaimDocument row)
    {
        if (!claims.Contains(row.ClaimId))
            return false;
        _documents.Add(row);
        return true;
    }

    /// <inheritdoc cref="TryAdd(ClaimDocument)"/>
    public bool TryAdd(ClaimSearchDocument row)
    {
        if (!claims.Contains(row.ClaimId))
            return false;
        _searchDocuments.Add(row);
        return true;
    }

    public async Task WriteAsync(VerificationDb db, IBulkWriter writer, CancellationToken ct)
    {
        await writer.WriteAsync(db, _documents, ct);
        await writer.WriteAsync(db, _searchDocuments, ct);
        _documents.Clear();
        _searchDocuments.Clear();
    }
}
