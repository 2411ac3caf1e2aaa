using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Features.Claims;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Common;
using Verification.Domain.Evidence;
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

public static class GetCustody
{
    public sealed record Query(Guid EvidenceId, int Limit, string? Cursor) : IQuery<Page<CustodyEntry>>, IPagedQuery;

    public sealed record CustodyEntry(Guid Id, Guid EvidenceId, DateTime At, Guid? Actor, CustodyAction Action, string Details);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => this.PagedBy(c => TimelinePaging.TryParse(c, out _));
    }

    internal sealed class Handler(VerificationDb db, ICurrentUser user) : IQueryHandler<Query, Page<CustodyEntry>>
    {
        public async ValueTask<Page<CustodyEntry>> Handle(Query query, CancellationToken cancellationToken)
        {
            var claimId = await db.Evidence.Where(e => e.Id == query.EvidenceId).Select(e => (Guid?)e.ClaimId).FirstOrDefaultAsync(cancellationToken);
            if (claimId is null || !await ClaimVisibility.CanSee(db, user, claimId.Value, cancellationToken))
                throw new NotFound("Evidence", query.EvidenceId);
            var events = await db.CustodyEvents.AsNoTracking().Where(c => c.EvidenceId == query.EvidenceId)
                .Select(c => new CustodyEntry(c.Id, c.EvidenceId, c.At, c.Actor, c.Action, c.Details))
                .ToListAsync(cancellationToken);
            return TimelinePaging.Page(events, e => e.At, e => e.Id, query.Limit, query.Cursor);
        }
    }
}
