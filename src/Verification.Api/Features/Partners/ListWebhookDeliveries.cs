using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Common;
using Verification.Domain.Partners;
using Verification.Persistence;

namespace Verification.Api.Features.Partners;

/// <summary>The delivery log of one of the caller's subscriptions, newest event first, each with its attempts.</summary>
public static class ListWebhookDeliveries
{
    public sealed record Query(PartnerCaller Partner, Guid SubscriptionId, int Limit, string? Cursor) : IQuery<Page<Delivery>>, IPagedQuery;

    /// <summary><see cref="Id"/> is the X-Webhook-Id of every attempt at this event.</summary>
    public sealed record Delivery(Guid Id, string Event, Guid ClaimId, DateTime OccurredAt, WebhookDeliveryStatus Status, int Attempts,
        DateTime? NextAttemptAt, DateTime? DeliveredAt, IReadOnlyList<Attempt> AttemptLog);

    public sealed record Attempt(int Number, DateTime AttemptedAt, int? StatusCode, string? Error, DateTime? NextAttemptAt);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => this.PagedBy(c => Paging.TryDecodeNumber(c, out _));
    }

    internal sealed class Handler(VerificationDb db) : IQueryHandler<Query, Page<Delivery>>
    {
        public async ValueTask<Page<Delivery>> Handle(Query query, CancellationToken cancellationToken)
        {
            // Another partner's subscription is answered exactly like one that does not exist.
            if (!await db.WebhookSubscriptions.AnyAsync(s => s.Id == query.SubscriptionId && s.PartnerId == query.Partner.Id, cancellationToken))
                throw new NotFound("Webhook", query.SubscriptionId);
            var messages = db.OutboxMessages.AsNoTracking().Where(m => m.SubscriptionId == query.SubscriptionId);
            if (Paging.TryDecodeNumber(query.Cursor, out var before))
                messages = messages.Where(m => m.Sequence < before);
            var rows = await messages.OrderByDescending(m => m.Sequence).Take(query.Limit + 1)
                .Select(m => new { m.Sequence, m.Id, m.Event, m.ClaimId, m.OccurredAt, m.Status, m.Attempts, m.NextAttemptAt, m.DeliveredAt })
                .ToListAsync(cancellationToken);
            var page = rows.Take(query.Limit).ToList();
            var ids = page.Select(m => m.Id).ToList();
            var attempts = (await db.WebhookDeliveryAttempts.AsNoTracking().Where(a => ids.Contains(a.MessageId))
                    .Select(a => new { a.MessageId, a.Attempt, a.AttemptedAt, a.StatusCode, a.Error, a.NextAttemptAt })
                    .ToListAsync(cancellationToken))
                .ToLookup(a => a.MessageId);
            var items = page.Select(m => new Delivery(m.Id, m.Event, m.ClaimId, m.OccurredAt, m.Status, m.Attempts,
                    m.Status == WebhookDeliveryStatus.Pending ? m.NextAttemptAt : null, m.DeliveredAt,
                    [.. attempts[m.Id].OrderBy(a => a.Attempt).Select(a => new Attempt(a.Attempt, a.AttemptedAt, a.StatusCode, a.Error, a.NextAttemptAt))]))
                .ToList();
            var next = rows.Count > query.Limit
                ? Paging.Encode(page[^1].Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture))
                : null;
            return new Page<Delivery>(items, next);
        }
    }
}
