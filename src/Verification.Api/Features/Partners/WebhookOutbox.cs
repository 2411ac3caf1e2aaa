using System.Text.Json;
using System.Text.Json.Serialization;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Jobs;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Claims;
using Verification.Domain.Partners;
using Verification.Domain.Verdicts;
using Verification.Persistence;

namespace Verification.Api.Features.Partners;

/// <summary>
/// Writes the webhook events of a claim change into the outbox, one row per subscribed partner, on the handler's context:
/// the transaction behaviour commits them with the change, or neither. Partners whose key is revoked get nothing.
/// </summary>
public sealed class WebhookOutbox(VerificationDb db, IBackgroundJobClient jobs)
{
    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public Task ClaimDecidedAsync(Claim claim, CancellationToken ct) =>
        RecordAsync(claim, WebhookEvents.ClaimDecided, claim.Verdict, ct);

    /// <summary>The payload names the verdict that reopening withdrew: the claim itself is not decided any more.</summary>
    public Task ClaimReopenedAsync(Claim claim, CancellationToken ct) =>
        RecordAsync(claim, WebhookEvents.ClaimReopened,
            claim.Proposals.Where(p => p.Status == ProposalStatus.Confirmed).MaxBy(p => p.DecidedAt), ct);

    /// <summary>
    /// One <c>audit.head</c> event per subscribed partner. The payload names the stored head (a token from a timestamp
    /// authority may not fit the payload column); the delivery reads it and sends the head shape.
    /// </summary>
    public async Task TreeHeadSignedAsync(Guid headId, long treeSize, DateTime at, CancellationToken ct)
    {
        var subscriptions = await db.WebhookSubscriptions
            .Where(s => db.Partners.Any(p => p.Id == s.PartnerId && p.KeyRevokedAt == null))
            .ToListAsync(ct);
        var payload = JsonSerializer.Serialize(new HeadPayload(headId, treeSize), PayloadJson);
        var recorded = 0;
        foreach (var subscription in subscriptions.Where(s => s.Wants(WebhookEvents.AuditHead)))
        {
            db.OutboxMessages.Add(OutboxMessage.Record(subscription, WebhookEvents.AuditHead, Guid.Empty, at, payload));
            recorded++;
        }
        if (recorded > 0)
            jobs.EnqueueCommand(new DeliverWebhooks.Command(), JobActor.System);
    }

    public sealed record HeadPayload(Guid HeadId, long TreeSize);

    public static HeadPayload ReadHeadPayload(string payload) =>
        JsonSerializer.Deserialize<HeadPayload>(payload, PayloadJson) ?? throw new InvalidOperationException("An outbox payload is empty.");

    private async Task RecordAsync(Claim claim, string eventName, VerdictProposal? verdict, CancellationToken ct)
    {
        var subscriptions = await db.WebhookSubscriptions
            .Where(s => s.RemovedAt == null && db.Partners.Any(p => p.Id == s.PartnerId && p.KeyRevokedAt == null))
            .ToListAsync(ct);
        var payload = JsonSerializer.Serialize(new EventPayload(claim.Reference,
            verdict is null ? null : new EventVerdict(verdict.Rating, verdict.DecidedAt)), PayloadJson);
        var recorded = 0;
        foreach (var subscription in subscriptions.Where(s => s.Wants(eventName, claim)))
        {
            db.OutboxMessages.Add(OutboxMessage.Record(subscription, eventName, claim.Id, claim.UpdatedAt, payload));
            recorded++;
        }
        // Sooner than the next minute's run. The job may start before this transaction commits and find nothing yet:
        // then the recurring run delivers it, so no event depends on this.
        if (recorded > 0)
            jobs.EnqueueCommand(new DeliverWebhooks.Command(), JobActor.System);
    }

    /// <summary>What is frozen at the moment of the event and goes into its delivery body.</summary>
    public sealed record EventPayload(string Reference, EventVerdict? Verdict);

    public sealed record EventVerdict(VerdictRating Rating, DateTime? DecidedAt);

    public static EventPayload ReadPayload(string payload) =>
        JsonSerializer.Deserialize<EventPayload>(payload, PayloadJson) ?? throw new InvalidOperationException("An outbox payload is empty.");
}
