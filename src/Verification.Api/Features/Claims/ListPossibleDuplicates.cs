using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Claims;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Claims;

/// <summary>The claims that duplicate screening found alike, for the reviewer who triages or corroborates this one.</summary>
public static class ListPossibleDuplicates
{
    public sealed record Query(Guid ClaimId) : IQuery<IReadOnlyList<PossibleDuplicateResponse>>, IClaimQuery;

    public sealed record PossibleDuplicateResponse(Guid ClaimId, string Reference, ClaimStage Status, string Title, DateTime FlaggedAt, string Reasons);

    internal sealed class Handler(VerificationDb db, ICurrentUser user) : IQueryHandler<Query, IReadOnlyList<PossibleDuplicateResponse>>
    {
        public async ValueTask<IReadOnlyList<PossibleDuplicateResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            return await db.PossibleDuplicates.AsNoTracking().Where(d => d.ClaimId == query.ClaimId)
                .Join(db.Claims.AsNoTracking().VisibleTo(user), d => d.OtherClaimId, c => c.Id, (d, c) => new { d, c })
                .OrderBy(x => x.d.FlaggedAt).ThenBy(x => x.c.Number)
                .Select(x => new PossibleDuplicateResponse(x.c.Id, x.c.Reference, x.c.Stage, x.c.Title, x.d.FlaggedAt, x.d.Reasons))
                .ToListAsync(cancellationToken);
        }
    }
}
