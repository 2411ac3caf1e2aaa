using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Evidence;

public static class GetEvidence
{
    public sealed record Query(Guid EvidenceId) : IQuery<EvidenceResponse>;

    internal sealed class Handler(VerificationDb db, ICurrentUser user, EvidenceResponses responses) : IQueryHandler<Query, EvidenceResponse>
    {
        public async ValueTask<EvidenceResponse> Handle(Query query, CancellationToken cancellationToken)
        {
            var item = await db.Evidence.AsNoTracking().FirstOrDefaultAsync(e => e.Id == query.EvidenceId, cancellationToken);
            if (item is null || !await ClaimVisibility.CanSee(db, user, item.ClaimId, cancellationToken))
                throw new NotFound("Evidence", query.EvidenceId);
            return await responses.FromAsync(item, cancellationToken);
        }
    }
}
