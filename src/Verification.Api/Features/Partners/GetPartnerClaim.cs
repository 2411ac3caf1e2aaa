using Mediator;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Claims;
using Verification.Domain.Common;

namespace Verification.Api.Features.Partners;

public static class GetPartnerClaim
{
    public sealed record Query(PartnerCaller Partner, Guid ClaimId) : IQuery<PartnerClaim>;

    internal sealed class Handler(PartnerClaimReader claims) : IQueryHandler<Query, PartnerClaim>
    {
        public async ValueTask<PartnerClaim> Handle(Query query, CancellationToken cancellationToken) =>
            await claims.FindAsync(query.ClaimId, query.Partner.SharingLevel, cancellationToken)
            ?? throw new NotFound("Claim", query.ClaimId);
    }
}
