using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Common;
using Verification.Domain.Evidence;
using Verification.Persistence;

namespace Verification.Api.Features.Evidence;

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
