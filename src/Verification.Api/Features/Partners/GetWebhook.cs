using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Partners;

public static class GetWebhook
{
    public sealed record Query(PartnerCaller Partner, Guid SubscriptionId) : IQuery<WebhookResponse>;

    internal sealed class Handler(VerificationDb db) : IQueryHandler<Query, WebhookResponse>
    {
        // Another partner's subscription, or a deleted one, is answered exactly like one that does not exist.
        public async ValueTask<WebhookResponse> Handle(Query query, CancellationToken cancellationToken) =>
            await db.WebhookSubscriptions.AsNoTracking()
                .Where(s => s.Id == query.SubscriptionId && s.PartnerId == query.Partner.Id && s.RemovedAt == null)
                .Select(s => new WebhookResponse(s.Id, s.Url, s.Events, s.Filter, s.CreatedAt))
                .FirstOrDefaultAsync(cancellationToken) ?? throw new NotFound("Webhook", query.SubscriptionId);
    }
}
