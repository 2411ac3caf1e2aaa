using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Features.ReadModel;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Claims;

/// <summary>
/// <c>GET /api/v1/claims/{id}</c> from the read side: the claim's stored staff document, if the caller may see the claim.
/// The visibility rule runs on the indexed <c>Claims</c> columns; the document is joined on its primary key.
/// </summary>
public static class GetClaimDocument
{
    public sealed record Query(Guid ClaimId) : IQuery<StoredDocument>;

    internal sealed class Handler(VerificationDb db, ICurrentUser user, ClaimDocumentBuilder builder) : IQueryHandler<Query, StoredDocument>
    {
        public async ValueTask<StoredDocument> Handle(Query query, CancellationToken cancellationToken)
        {
            var documents = db.ClaimDocuments.AsNoTracking();
            var row = await db.Claims.AsNoTracking().VisibleTo(user).Where(c => c.Id == query.ClaimId)
                          .Select(c => new
                          {
                              c.Version,
                              DocumentVersion = documents.Where(d => d.ClaimId == c.Id).Select(d => (long?)d.Version).FirstOrDefault(),
                              Staff = documents.Where(d => d.ClaimId == c.Id).Select(d => d.Staff).FirstOrDefault(),
                          })
                          .FirstOrDefaultAsync(cancellationToken)
                      ?? throw new NotFound("Claim", query.ClaimId);
            if (row.Staff is not null && row.DocumentVersion == row.Version)
                return new StoredDocument(row.Version, row.Staff);
            // No document yet (a database from before the read side, until the backfill reaches it): the write side answers.
            var built = await builder.BuildAsync(db, [query.ClaimId], cancellationToken);
            return built.TryGetValue(query.ClaimId, out var fresh)
                ? new StoredDocument(fresh.Version, fresh.Staff)
                : throw new NotFound("Claim", query.ClaimId);
        }
    }
}
