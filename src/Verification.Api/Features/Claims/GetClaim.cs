using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Claims;

public static class GetClaim
{
    public sealed record Query(Guid ClaimId) : IQuery<ClaimResponse>;

    internal sealed class Handler(VerificationDb db, ICurrentUser user) : IQueryHandler<Query, ClaimResponse>
    {
        public async ValueTask<ClaimResponse> Handle(Query query, CancellationToken cancellationToken) =>
            await db.Claims.AsNoTracking().VisibleTo(user)
                .Where(c => c.Id == query.ClaimId)
                .Select(ClaimProjection.ToResponse)
                .FirstOrDefaultAsync(cancellationToken)
            ?? throw new NotFound("Claim", query.ClaimId);
    }
}
