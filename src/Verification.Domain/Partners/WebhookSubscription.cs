using Verification.Domain.Claims;
using Verification.Domain.Common;

namespace Verification.Domain.Partners;

/// <summary>The events a partner can subscribe to, by the names it receives in the delivery body.</summary>
public static class WebhookEvents
{
    public const string ClaimDecided = "claim.decided";
    public const string ClaimReopened = "claim.reopened";

    /// <summary>A new signed tree head: partners keep a copy outside the instance (API.md, Integrity).</summary>
    public const string AuditHead = "audit.head";

    public static readonly IReadOnlyList<string> All = [ClaimDecided, ClaimReopened, AuditHead];
}

/// <summary>
/// Where a partner wants to hear about decided and reopened claims. The signing secret is kept encrypted (the server
/// must read it back to sign each delivery, so it cannot be a hash); the host encrypts it before it reaches the domain.
/// </summary>
public sealed class WebhookSubscription
{
    public const int UrlMaxLength = 2048;

    /// <summary>
    /// Each decided claim makes one outbox row per subscription: an unbounded number let one partner multiply the
    /// server's delivery work at will (a review found 60 subscriptions, 63 rows per decision).
    /// </summary>
    public const int MaxPerPartner = 10;

    private WebhookSubscription() { }

    public Guid Id { get; private set; }
    public Guid PartnerId { get; private set; }
    public string Url { get; private set; } = string.Empty;
    public IReadOnlyList<string> Events { get; private set; } = [];

    /// <summary>The signing secret, encrypted with Data Protection.</summary>
    public string ProtectedSecret { get; private set; } = string.Empty;
    public DateTime CreatedAt { get; private set; }

    /// <summary>Which claims the partner follows; null follows every decided claim.</summary>
    public WebhookFilter? Filter { get; private set; }

    /// <summary>
    /// When the partner deleted it. The row stays so that its delivery log still names it; nothing is sent to it any
    /// more, and it counts for neither the limit nor the one-subscription-per-url rule.
    /// </summary>
    public DateTime? RemovedAt { get; private set; }

    public static WebhookSubscription Create(Guid id, Guid partnerId, string? url, IEnumerable<string>? events, string protectedSecret, DateTime now,
        WebhookFilter? filter = null)
    {
        Guard.That(!string.IsNullOrEmpty(protectedSecret), "secret", "A subscription needs its signing secret.");
        var subscription = new WebhookSubscription
        {
            Id = id,
            PartnerId = partnerId,
            ProtectedSecret = protectedSecret,
            CreatedAt = now,
        };
        subscription.Change(url, events, filter);
        return subscription;
    }

    /// <summary>A new url, events and filter, checked as at creation.</summary>
    public void Change(string? url, IEnumerable<string>? events, WebhookFilter? filter)
    {
        EnsureActive();
        var address = Guard.Text(url, "url", UrlMaxLength);
        Guard.That(Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && string.IsNullOrEmpty(uri.UserInfo),
            "url", "A webhook url is an absolute https address without credentials in it.");
        var names = (events ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        Guard.That(names.Length > 0, "events", "Subscribe to at least one event.");
        Guard.That(names.All(WebhookEvents.All.Contains), "events", $"Events are {string.Join(", ", WebhookEvents.All)}.");
        Url = address;
        Events = names;
        Filter = filter is null || filter.FollowsEverything ? null : filter.Validated();
    }

    public void RotateSecret(string protectedSecret)
    {
        EnsureActive();
        Guard.That(!string.IsNullOrEmpty(protectedSecret), "secret", "A subscription needs its signing secret.");
        ProtectedSecret = protectedSecret;
    }

    public void Remove(DateTime now)
    {
        EnsureActive();
        RemovedAt = now;
    }

    public bool Wants(string eventName) => RemovedAt is null && Events.Contains(eventName, StringComparer.Ordinal);

    /// <summary>Whether a claim event concerns this subscription: its event, and a claim its filter follows.</summary>
    public bool Wants(string eventName, Claim claim) => Wants(eventName) && (Filter?.Follows(claim) ?? true);

    private void EnsureActive()
    {
        if (RemovedAt is not null)
            throw new NotFound("Webhook", Id);
    }
}
