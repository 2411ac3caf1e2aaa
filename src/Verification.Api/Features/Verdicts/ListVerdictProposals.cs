using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Features.Claims;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Verdicts;

public static class ListVerdictProposals
{
    public sealed record Query(Guid ClaimId, int Limit, string? Cursor) : IQuery<Page<ProposalResponse>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).InclusiveBetween(1, Paging.MaxLimit);
            RuleFor(q => q.Cursor).Must(c => c is null || TimelinePaging.TryParse(c, out _)).WithMessage("The cursor is not one this API issued.");
        }
    }

    internal sealed class Handler(VerificationDb db, ICurrentUser user) : IQueryHandler<Query, Page<ProposalResponse>>
    {
        public async ValueTask<Page<ProposalResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            if (!await ClaimVisibility.CanSee(db, user, query.ClaimId, cancellationToken))
                throw new NotFound("Claim", query.ClaimId);
            var proposals = await db.VerdictProposals.AsNoTracking().Where(p => p.ClaimId == query.ClaimId)
                .Select(ProposalProjection.ToResponse).ToListAsync(cancellationToken);
            return TimelinePaging.Page(proposals, p => p.ProposedAt, p => p.Id, query.Limit, query.Cursor);
        }
    }
}
