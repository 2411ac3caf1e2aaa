using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Http;
using Verification.Persistence;

namespace Verification.Api.Features.Partners;

public static class ListPartners
{
    public sealed record Query(int Limit, string? Cursor) : IQuery<Page<PartnerResponse>>, IPagedQuery;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => this.PagedBy(c => TimelinePaging.TryParse(c, out _));
    }

    internal sealed class Handler(VerificationDb db) : IQueryHandler<Query, Page<PartnerResponse>>
    {
        public async ValueTask<Page<PartnerResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            // Partner organisations are tens, not thousands: read whole and paged in creation order.
            var partners = await db.Partners.AsNoTracking().Select(PartnerProjection.ToResponse).ToListAsync(cancellationToken);
            return TimelinePaging.Page(partners, p => p.CreatedAt, p => p.Id, query.Limit, query.Cursor);
        }
    }
}
