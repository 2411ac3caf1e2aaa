using System.Text.Json;
using Mediator;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Integrity;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Partners;
using Verification.Persistence;

namespace Verification.Api.Features.Partners;

/// <summary>
/// Sends the webhooks that are due: POST with the event and the partner claim as it is now, signed with the subscription's
/// secret. A 2xx delivers it; anything else (an error status, a redirect, a timeout, a refused address) is logged as an
/// attempt and retried with exponential back-off. Delivery is at least once; receivers de-duplicate on X-Webhook-Id.
/// Sent by the recurring job every minute, and right after a claim change that wrote events.
/// </summary>
public static partial class DeliverWebhooks
{
    public const string ClientName = "webhooks";

    // Sent by jobs as the system: nothing for the audit chain (the delivery log is the record), and its own short
    // transactions, so no database lock is held while a receiver answers.
    public sealed record Command : ICommand<Result>, INotAudited, IOwnsTransactions;

    public sealed record Result(int Attempted, int Delivered);

    /// <summary>The delivery body. <see cref="Claim"/> is null when the claim is not decided at delivery time.</summary>
    public sealed record Body(Guid Id, string Event, DateTime OccurredAt, Guid ClaimId, string Reference,
        WebhookOutbox.EventVerdict? Verdict, PartnerClaim? Claim);

    /// <summary>The body of an <c>audit.head</c> delivery (API.md, Integrity).</summary>
    public sealed record HeadBody(Guid Id, string Event, DateTime OccurredAt, SignedTreeHead Head);

    internal sealed partial class Handler(VerificationDb db, PartnerClaimReader claims, WebhookSecrets secrets, IHttpClientFactory http,
        IOptions<WebhookOptions> options, IOptions<JsonOptions> json, TimeProvider clock, ILogger<Handler> logger)
        : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var due = await db.OutboxMessages.AsNoTracking()
                .Where(m => m.Status == WebhookDeliveryStatus.Pending && m.NextAttemptAt <= now)
                .OrderBy(m => m.NextAttemptAt)
                .Select(m => m.Sequence)
                .Take(options.Value.BatchSize)
                .ToListAsync(cancellationToken);
            var (attempted, delivered) = await LeasedDeliveryRun.RunAsync(db, clock, due, TryLeaseAsync, DeliverAsync, cancellationToken);
            return new Result(attempted, delivered);
        }

        /// <summary>An atomic update: of two runs that saw the same due message, exactly one moves it and sends it.</summary>
        private async Task<bool> TryLeaseAsync(long sequence, DateTime now, DateTime leasedUntil, CancellationToken ct) =>
            await db.OutboxMessages
                .Where(m => m.Sequence == sequence && m.Status == WebhookDeliveryStatus.Pending && m.NextAttemptAt <= now)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptAt, leasedUntil), ct) == 1;

        private async Task<bool> DeliverAsync(long sequence, CancellationToken ct)
        {
            var message = await db.OutboxMessages.FirstAsync(m => m.Sequence == sequence, ct);
            var subscription = await db.WebhookSubscriptions.AsNoTracking().FirstAsync(s => s.Id == message.SubscriptionId, ct);
            var partner = await db.Partners.AsNoTracking().FirstAsync(p => p.Id == message.PartnerId, ct);
            if (subscription.RemovedAt is not null)
            {
                // The partner deleted the subscription after the event: it asked not to hear any more.
                message.Cancel("Not sent: the subscription was deleted.", clock.GetUtcNow().UtcDateTime);
                await db.SaveChangesAsync(ct);
                return false;
            }
            if (!partner.HasActiveKey)
            {
                // A partner cut off by revoking its key must not keep receiving claims by webhook.
                message.Cancel("Not sent: the partner's API key is revoked.", clock.GetUtcNow().UtcDateTime);
                await db.SaveChangesAsync(ct);
                return false;
            }

            byte[] body;
            if (message.Event == WebhookEvents.AuditHead)
            {
                var headId = WebhookOutbox.ReadHeadPayload(message.Payload).HeadId;
                var head = await db.SignedTreeHeads.AsNoTracking().Where(h => h.Id == headId)
                    .Select(h => new SignedTreeHead(h.TreeSize, h.RootHash, h.Timestamp, h.KeyId, h.Signature, h.TimestampToken)).FirstAsync(ct);
                body = JsonSerializer.SerializeToUtf8Bytes(new HeadBody(message.Id, message.Event, message.OccurredAt, head), json.Value.SerializerOptions);
            }
            else
            {
                var payload = WebhookOutbox.ReadPayload(message.Payload);
                var claim = await claims.FindAsync(message.ClaimId, partner.SharingLevel, ct);
                body = JsonSerializer.SerializeToUtf8Bytes(
                    new Body(message.Id, message.Event, message.OccurredAt, message.ClaimId, payload.Reference, payload.Verdict, claim),
                    json.Value.SerializerOptions);
            }
            var (status, error) = await SignedWebhookPost.SendAsync(http.CreateClient(ClientName), options.Value, subscription.Url,
                message.Id, message.Event, body, secrets.Unprotect(subscription.ProtectedSecret), ct);

            var now = clock.GetUtcNow().UtcDateTime;
            var attempt = status is >= 200 and <= 299
                ? message.RecordDelivery(status.Value, now)
                : message.RecordFailure(status, error ?? $"The receiver answered {status}.", now, NextDelay(message.Attempts + 1));
            await db.SaveChangesAsync(ct);
            if (message.Status != WebhookDeliveryStatus.Delivered)
                LogFailed(logger, message.Id, attempt.Attempt, status, attempt.NextAttemptAt);
            return message.Status == WebhookDeliveryStatus.Delivered;
        }

        private TimeSpan NextDelay(int failedAttempt) => LeasedDeliveryRun.NextDelay(options.Value, failedAttempt);

        [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {MessageId} attempt {Attempt} failed with {Status}; next attempt at {NextAttemptAt:O}")]
        private static partial void LogFailed(ILogger logger, Guid messageId, int attempt, int? status, DateTime? nextAttemptAt);
    }
}
