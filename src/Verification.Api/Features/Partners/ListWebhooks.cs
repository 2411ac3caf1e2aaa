using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Partners;
using Verification.Persistence;

namespace Verification.Api.Features.Partners;

public static class ListWebhooks
{
    public sealed record Query(PartnerCaller Partner, int Limit, string? Cursor) : IQuery<Page<WebhookResponse>>, IPagedQuery;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => this.PagedBy(c => TimelinePaging.TryParse(c, out _));
    }

    internal sealed class Handler(VerificationDb db) : IQueryHandler<Query, Page<WebhookResponse>>
    {
        public async ValueTask<Page<WebhookResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            // A partner has a handful of subscriptions: read whole, paged in creation order.
            var subscriptions = await db.WebhookSubscriptions.AsNoTracking().Where(s => s.PartnerId == query.Partner.Id && s.RemovedAt == null)
                .Select(s => new WebhookResponse(s.Id, s.Url, s.Events, s.Filter, s.CreatedAt))
                .ToListAsync(cancellationToken);
            return TimelinePaging.Page(subscriptions, s => s.CreatedAt, s => s.Id, query.Limit, query.Cursor);
        }
    }
}
