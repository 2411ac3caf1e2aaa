using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Partners;

public static class GetPartner
{
    public sealed record Query(Guid PartnerId) : IQuery<PartnerResponse>;

    internal sealed class Handler(VerificationDb db) : IQueryHandler<Query, PartnerResponse>
    {
        public async ValueTask<PartnerResponse> Handle(Query query, CancellationToken cancellationToken) =>
            await db.Partners.AsNoTracking().Where(p => p.Id == query.PartnerId).Select(PartnerProjection.ToResponse).FirstOrDefaultAsync(cancellationToken)
            ?? throw new NotFound("Partner", query.PartnerId);
    }
}
