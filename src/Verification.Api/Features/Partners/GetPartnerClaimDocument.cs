using Mediator;
using Verification.Api.Features.ReadModel;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Common;
using Verification.Domain.Partners;
using Verification.Persistence;

namespace Verification.Api.Features.Partners;

/// <summary><c>GET /api/v1/partner/claims/{id}</c> from the read side: the decided claim's stored document for the partner's sharing level.</summary>
public static class GetPartnerClaimDocument
{
    /// <param name="KnownVersion">The version the caller's <c>If-None-Match</c> names (<see cref="Infrastructure.Http.NoneMatch.KnownVersion"/>), if any.</param>
    public sealed record Query(PartnerCaller Partner, Guid ClaimId, long? KnownVersion = null) : IQuery<StoredDocument>;

    internal sealed class Handler(VerificationDb db, PartnerClaimReader claims, ClaimDocumentBuilder builder) : IQueryHandler<Query, StoredDocument>
    {
        public async ValueTask<StoredDocument> Handle(Query query, CancellationToken cancellationToken)
        {
            // Versions are never negative: -1 names none.
            var known = query.KnownVersion ?? -1;
            var row = await claims.FindDocumentAsync(query.ClaimId, query.Partner.SharingLevel, known, cancellationToken)
                      ?? throw new NotFound("Claim", query.ClaimId);
            if (row.Version == known)
                return StoredDocument.Unchanged(row.Version);
            if (row.Current)
                return new StoredDocument(row.Version, row.Document!);
            var built = await builder.BuildAsync(db, [query.ClaimId], cancellationToken);
            var fresh = built.GetValueOrDefault(query.ClaimId);
            var bytes = query.Partner.SharingLevel == SharingLevel.Public ? fresh?.PartnerPublic : fresh?.PartnerRestricted;
            return bytes is null ? throw new NotFound("Claim", query.ClaimId) : new StoredDocument(fresh!.Version, bytes);
        }
    }
}
