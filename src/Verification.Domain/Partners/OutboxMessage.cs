using Verification.Domain.Common;

namespace Verification.Domain.Partners;

public enum WebhookDeliveryStatus
{
    Pending,
    Delivered,

    /// <summary>Not sent and never will be: the partner's access was revoked before it went out.</summary>
    Cancelled,
}

/// <summary>
/// One webhook event for one subscription, written in the same transaction as the claim change it reports (the
/// transactional outbox), so an event is never lost when a delivery fails and never sent for a change that rolled back.
/// Its <see cref="Id"/> is the X-Webhook-Id of every attempt: receivers de-duplicate on it.
/// </summary>
public sealed class OutboxMessage
{
    public const int ErrorMaxLength = 1000;

    private readonly List<WebhookDeliveryAttempt> _attempts = [];

    private OutboxMessage() { }

    /// <summary>A database-issued, increasing number: the stable key of the delivery log's paging.</summary>
    public long Sequence { get; private set; }
    public Guid Id { get; private set; }
    public Guid PartnerId { get; private set; }
    public Guid SubscriptionId { get; private set; }
    public string Event { get; private set; } = string.Empty;
    public Guid ClaimId { get; private set; }
    public DateTime OccurredAt { get; private set; }

    /// <summary>What was true when the event happened and cannot be read again later (JSON): the verdict decided or withdrawn.</summary>
    public string Payload { get; private set; } = "{}";
    public WebhookDeliveryStatus Status { get; private set; }
    public int Attempts { get; private set; }
    public DateTime NextAttemptAt { get; private set; }
    public DateTime? DeliveredAt { get; private set; }

    public IReadOnlyCollection<WebhookDeliveryAttempt> AttemptLog => _attempts;

    public static OutboxMessage Record(WebhookSubscription subscription, string eventName, Guid claimId, DateTime occurredAt, string payload)
    {
        Guard.That(subscription.Wants(eventName), "event", $"Subscription {subscription.Id} does not take {eventName}.");
        return new OutboxMessage
        {
            Id = Guid.CreateVersion7(),
            PartnerId = subscription.PartnerId,
            SubscriptionId = subscription.Id,
            Event = eventName,
            ClaimId = claimId,
            OccurredAt = occurredAt,
            Payload = payload,
            Status = WebhookDeliveryStatus.Pending,
            NextAttemptAt = occurredAt,
        };
    }

    /// <summary>The receiver answered 2xx: the event is delivered and is not sent again.</summary>
    public WebhookDeliveryAttempt RecordDelivery(int statusCode, DateTime now)
    {
        Guard.That(statusCode is >= 200 and <= 299, "statusCode", "Only a 2xx answer delivers a webhook.");
        var attempt = NextAttempt(now, statusCode, null, null);
        Status = WebhookDeliveryStatus.Delivered;
        DeliveredAt = now;
        return attempt;
    }

    /// <summary>No 2xx (an error status, a timeout, a refused address): try again after <paramref name="retryAfter"/>.</summary>
    public WebhookDeliveryAttempt RecordFailure(int? statusCode, string error, DateTime now, TimeSpan retryAfter)
    {
        var next = now + retryAfter;
        var attempt = NextAttempt(now, statusCode, error, next);
        NextAttemptAt = next;
        return attempt;
    }

    public WebhookDeliveryAttempt Cancel(string reason, DateTime now)
    {
        var attempt = NextAttempt(now, null, reason, null);
        Status = WebhookDeliveryStatus.Cancelled;
        return attempt;
    }

    private WebhookDeliveryAttempt NextAttempt(DateTime now, int? statusCode, string? error, DateTime? nextAttemptAt)
    {
        if (Status != WebhookDeliveryStatus.Pending)
            throw new TransitionNotAllowed("attempt delivery of", $"a webhook that is {Status}", "only a pending webhook is sent");
        Attempts++;
        var attempt = new WebhookDeliveryAttempt(Id, Attempts, now, statusCode,
            error is null ? null : error.Length <= ErrorMaxLength ? error : error[..ErrorMaxLength], nextAttemptAt);
        _attempts.Add(attempt);
        return attempt;
    }
}

/// <summary>One try at delivering a webhook, kept for the partner's delivery log. Append-only.</summary>
public sealed class WebhookDeliveryAttempt
{
    private WebhookDeliveryAttempt() { }

    internal WebhookDeliveryAttempt(Guid messageId, int attempt, DateTime at, int? statusCode, string? error, DateTime? nextAttemptAt)
    {
        Id = Guid.CreateVersion7();
        MessageId = messageId;
        Attempt = attempt;
        AttemptedAt = at;
        StatusCode = statusCode;
        Error = error;
        NextAttemptAt = nextAttemptAt;
    }

    public Guid Id { get; private set; }
    public Guid MessageId { get; private set; }
    public int Attempt { get; private set; }
    public DateTime AttemptedAt { get; private set; }

    /// <summary>The receiver's HTTP status, or null when no answer came (refused address, timeout, connection error).</summary>
    public int? StatusCode { get; private set; }
    public string? Error { get; private set; }
    public DateTime? NextAttemptAt { get; private set; }
}

/// <summary>
/// Exponential back-off with jitter: base × 2^(attempt − 1), capped, then spread over its upper half so that many
/// failing deliveries do not all come back in the same second.
/// </summary>
public static class WebhookBackoff
{
    /// <param name="attempt">The attempt that just failed, from 1.</param>
    /// <param name="jitter">A random number in [0, 1).</param>
    public static TimeSpan After(int attempt, TimeSpan baseDelay, TimeSpan cap, double jitter)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var full = Math.Min(baseDelay.TotalSeconds * Math.Pow(2, exponent), cap.TotalSeconds);
        return TimeSpan.FromSeconds(full / 2 + full / 2 * Math.Clamp(jitter, 0, 1));
    }
}
