using Verification.Domain.Claims;
using Verification.Persistence.Search;

namespace Verification.Api.Pipeline;

/// <summary>
/// A command's result that names the claims it wrote without the change tracker (a bulk import's batch). The audit
/// behaviour covers them as if it had seen them saved: their record states go into the command's audit entries, and
/// every <see cref="IClaimProjection"/> projects them, in the same transaction. The claims are new rows (the bulk writer
/// only inserts), so they count as created by the unit of work, and the projections' rows for them are written by the
/// bulk writer as well (<see cref="Infrastructure.Persistence.Bulk.BulkProjectedRows"/>).
/// </summary>
public interface IClaimsWrittenInBulk
{
    IReadOnlyCollection<Guid> ClaimsWrittenInBulk { get; }

    /// <summary>
    /// Those of <see cref="ClaimsWrittenInBulk"/> whose objects in memory are, value for value, what reading their rows
    /// back gives (no evidence, proposals or assignments; every value one the database stores exactly: see
    /// <see cref="Infrastructure.Persistence.Bulk.StoredAsWritten"/>). The audit entry and the projections take these as
    /// they are instead of reading them back; the other claims are read back as usual.
    /// </summary>
    IReadOnlyCollection<Claim> ClaimsAsStored => [];

    /// <summary>
    /// Search documents of some of <see cref="ClaimsAsStored"/>, folded from their details before the batch was written
    /// (<see cref="ClaimSearchDocument.Unnumbered"/>), by claim id: the search projection takes them instead of folding
    /// those claims on the batch's thread.
    /// </summary>
    IReadOnlyDictionary<Guid, ClaimSearchDocument> FoldedSearchDocuments => new Dictionary<Guid, ClaimSearchDocument>();
}
