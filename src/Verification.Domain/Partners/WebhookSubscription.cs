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

    private WebhookSubscription() { }

    public Guid Id { get; private set; }
    public Guid PartnerId { get; private set; }
    public string Url { get; private set; } = string.Empty;
    public IReadOnlyList<string> Events { get; private set; } = [];

    /// <summary>The signing secret, encrypted with Data Protection.</summary>
    public string ProtectedSecret { get; private set; } = string.Empty;
    public DateTime CreatedAt { get; private set; }

    public static WebhookSubscription Create(Guid id, Guid partnerId, string? url, IEnumerable<string>? events, string protectedSecret, DateTime now)
    {
        var address = Guard.Text(url, "url", UrlMaxLength);
        Guard.That(Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && string.IsNullOrEmpty(uri.UserInfo),
            "url", "A webhook url is an absolute https address without credentials in it.");
        var names = (events ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        Guard.That(names.Length > 0, "events", "Subscribe to at least one event.");
        Guard.That(names.All(WebhookEvents.All.Contains), "events", $"Events are {string.Join(", ", WebhookEvents.All)}.");
        Guard.That(!string.IsNullOrEmpty(protectedSecret), "secret", "A subscription needs its signing secret.");
        return new WebhookSubscription
        {
            Id = id,
            PartnerId = partnerId,
            Url = address,
            Events = names,
            ProtectedSecret = protectedSecret,
            CreatedAt = now,
        };
    }

    public bool Wants(string eventName) => Events.Contains(eventName, StringComparer.Ordinal);
}
