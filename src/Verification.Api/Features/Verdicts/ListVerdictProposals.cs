using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Features.Claims;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Verdicts;

public static class ListVerdictProposals
{
    public sealed record Query(Guid ClaimId, int Limit, string? Cursor) : IQuery<Page<ProposalResponse>>, IClaimQuery, IPagedQuery;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => this.PagedBy(c => TimelinePaging.TryParse(c, out _));
    }

    internal sealed class Handler(VerificationDb db) : IQueryHandler<Query, Page<ProposalResponse>>
    {
        public async ValueTask<Page<ProposalResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            var proposals = await db.VerdictProposals.AsNoTracking().Where(p => p.ClaimId == query.ClaimId)
                .Select(ProposalProjection.ToResponse).ToListAsync(cancellationToken);
            return TimelinePaging.Page(proposals, p => p.ProposedAt, p => p.Id, query.Limit, query.Cursor);
        }
    }
}
