using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Pipeline;
using Verification.Persistence;

namespace Verification.Api.Features.Evidence;

public static class ListClaimEvidence
{
    public sealed record Query(Guid ClaimId, int Limit, string? Cursor) : IQuery<Page<EvidenceResponse>>, IClaimQuery, IPagedQuery;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => this.PagedBy(c => TimelinePaging.TryParse(c, out _));
    }

    internal sealed class Handler(VerificationDb db, EvidenceResponses responses) : IQueryHandler<Query, Page<EvidenceResponse>>
    {
        public async ValueTask<Page<EvidenceResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            var items = await db.Evidence.AsNoTracking().Where(e => e.ClaimId == query.ClaimId).ToListAsync(cancellationToken);
            return TimelinePaging.Page(await responses.FromAsync(items, cancellationToken), e => e.SubmittedAt, e => e.Id, query.Limit, query.Cursor);
        }
    }
}
