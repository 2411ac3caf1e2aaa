using Verification.Domain.Common;

namespace Verification.Domain.Notifications;

/// <summary>What happened that a member of staff should know of.</summary>
public enum NotificationKind
{
    Assigned,
    Mentioned,
    ProposalConfirmed,
    ProposalRejected,
    ClaimTriaged,
    ClaimDecided,
    Overdue,
    ClaimWithdrawn,
    ClaimReopened,
}

/// <summary>Where a notification's copy to the recipient's own webhook stands; <see cref="None"/> when they have none.</summary>
public enum NotificationDelivery
{
    None,
    Pending,
    Delivered,

    /// <summary>Not sent and never will be: the webhook was removed, the account deactivated, or every attempt failed.</summary>
    Cancelled,
}

/// <summary>
/// A note to one member of staff about one claim they can see, written in the transaction of the change it reports.
/// Its text names the claim and what happened, never a comment's text or a witness: it may travel to a chat room
/// through the recipient's webhook. The row is also its own outbox entry for that webhook.
/// </summary>
public sealed class Notification
{
    public const int TextMaxLength = 500;
    public const int ErrorMaxLength = 1000;

    /// <summary>After this many failed attempts a webhook copy is given up (the notification stays in the API).</summary>
    public const int MaxDeliveryAttempts = 12;

    private Notification() { }

    /// <summary>A database-issued, increasing number: the stable key of the list's paging.</summary>
    public long Sequence { get; private set; }
    public Guid Id { get; private set; }
    public Guid RecipientId { get; private set; }
    public NotificationKind Kind { get; private set; }
    public Guid ClaimId { get; private set; }
    public string Text { get; private set; } = string.Empty;
    public DateTime At { get; private set; }
    public DateTime? ReadAt { get; private set; }

    public NotificationDelivery Delivery { get; private set; }
    public int DeliveryAttempts { get; private set; }
    public DateTime? NextDeliveryAt { get; private set; }
    public DateTime? DeliveredAt { get; private set; }
    public string? LastDeliveryError { get; private set; }

    public static Notification Write(Guid recipientId, NotificationKind kind, Guid claimId, string text, DateTime now, bool deliverToWebhook) =>
        new()
        {
            Id = Guid.CreateVersion7(),
            RecipientId = recipientId,
            Kind = kind,
            ClaimId = claimId,
            Text = Guard.Text(text, "text", TextMaxLength),
            At = now,
            Delivery = deliverToWebhook ? NotificationDelivery.Pending : NotificationDelivery.None,
            NextDeliveryAt = deliverToWebhook ? now : null,
        };

    public void MarkRead(DateTime now) => ReadAt ??= now;

    public void RecordDelivery(DateTime now)
    {
        EnsurePending();
        DeliveryAttempts++;
        Delivery = NotificationDelivery.Delivered;
        DeliveredAt = now;
        NextDeliveryAt = null;
        LastDeliveryError = null;
    }

    public void RecordFailure(string error, DateTime now, TimeSpan retryAfter)
    {
        EnsurePending();
        DeliveryAttempts++;
        LastDeliveryError = error.Length <= ErrorMaxLength ? error : error[..ErrorMaxLength];
        if (DeliveryAttempts >= MaxDeliveryAttempts)
        {
            Delivery = NotificationDelivery.Cancelled;
            NextDeliveryAt = null;
        }
        else
        {
            NextDeliveryAt = now + retryAfter;
        }
    }

    public void CancelDelivery(string reason)
    {
        EnsurePending();
        Delivery = NotificationDelivery.Cancelled;
        NextDeliveryAt = null;
        LastDeliveryError = reason;
    }

    private void EnsurePending()
    {
        if (Delivery != NotificationDelivery.Pending)
            throw new InvalidOperationException($"Only a pending delivery is sent; this one is {Delivery}.");
    }
}

/// <summary>A member of staff's own webhook: where copies of their notifications go, signed with its secret.</summary>
public sealed class StaffWebhook
{
    public const int UrlMaxLength = 2000;

    private StaffWebhook() { }

    public Guid UserId { get; private set; }
    public string Url { get; private set; } = string.Empty;
    public string ProtectedSecret { get; private set; } = string.Empty;
    public DateTime CreatedAt { get; private set; }

    public static StaffWebhook Create(Guid userId, string url, string protectedSecret, DateTime now) => new()
    {
        UserId = userId,
        Url = Guard.Text(url, "url", UrlMaxLength),
        ProtectedSecret = protectedSecret,
        CreatedAt = now,
    };

    /// <summary>A new url always comes with a new secret: the receiver's end changed hands.</summary>
    public void Change(string url, string protectedSecret, DateTime now)
    {
        Url = Guard.Text(url, "url", UrlMaxLength);
        ProtectedSecret = protectedSecret;
        CreatedAt = now;
    }
}

/// <summary>Which deadline an item missed.</summary>
public enum OverdueKind
{
    /// <summary>A submitted claim waited longer than the triage deadline; the item is the claim (a claim is submitted once).</summary>
    Triage,

    /// <summary>A verdict proposal waited longer than the confirmation deadline; the item is the proposal.</summary>
    Confirm,
}

/// <summary>
/// Work that passed its deadline and whose people were told: one row per overdue item (a claim waiting for triage, or
/// a verdict proposal waiting for confirmation), so the recurring check tells them once.
/// </summary>
public sealed class OverdueMark
{
    private OverdueMark() { }

    /// <summary>The claim (triage) or the verdict proposal (confirmation) that is late.</summary>
    public Guid ItemId { get; private set; }
    public OverdueKind Kind { get; private set; }
    public Guid ClaimId { get; private set; }
    public DateTime DueAt { get; private set; }
    public DateTime MarkedAt { get; private set; }

    public static OverdueMark Mark(Guid itemId, OverdueKind kind, Guid claimId, DateTime dueAt, DateTime now) =>
        new() { ItemId = itemId, Kind = kind, ClaimId = claimId, DueAt = dueAt, MarkedAt = now };
}
