using System.Security.Cryptography;
using System.Text;
using Verification.Domain.Common;
using Verification.Domain.Partners;

namespace Verification.Domain.Tests;

public sealed class PartnerTests
{
    private static readonly DateTime Now = new(2024, 4, 2, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_key_is_256_random_bits_stored_only_as_its_hash_and_a_short_prefix()
    {
        var key = PartnerApiKey.Generate();
        Assert.Matches("^vk_[A-Za-z0-9_-]{43}$", key.Secret);
        Assert.Equal(key.Secret[..11], key.Prefix);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.Secret))), key.Hash);
        Assert.NotEqual(key.Secret, PartnerApiKey.Generate().Secret);
        Assert.Equal(key.Prefix, PartnerApiKey.PrefixOf(key.Secret));
        Assert.Null(PartnerApiKey.PrefixOf("Bearer abc"));
    }

    [Fact]
    public void Rotating_replaces_the_key_and_a_revoked_key_cannot_be_revoked_again()
    {
        var first = PartnerApiKey.Generate();
        var partner = Partner.Register(Guid.NewGuid(), " Newsroom ", SharingLevel.Public, first, Guid.NewGuid(), Now);
        Assert.Equal("Newsroom", partner.Name);
        var second = PartnerApiKey.Generate();
        partner.RotateKey(second, Now.AddDays(1));
        Assert.Equal(second.Hash, partner.KeyHash);
        partner.RevokeKey(Now.AddDays(2));
        Assert.False(partner.HasActiveKey);
        Assert.Throws<RuleNotSatisfied>(() => partner.RevokeKey(Now.AddDays(3)));
        partner.RotateKey(PartnerApiKey.Generate(), Now.AddDays(4));
        Assert.True(partner.HasActiveKey);
    }

    [Fact]
    public void A_delivered_webhook_is_never_attempted_again()
    {
        var message = OutboxMessage.Record(Subscription(), WebhookEvents.ClaimDecided, Guid.NewGuid(), Now, "{}");
        var failed = message.RecordFailure(500, "The receiver answered 500.", Now, TimeSpan.FromSeconds(30));
        Assert.Equal(1, failed.Attempt);
        Assert.Equal(Now.AddSeconds(30), message.NextAttemptAt);
        message.RecordDelivery(204, Now.AddMinutes(1));
        Assert.Equal(WebhookDeliveryStatus.Delivered, message.Status);
        Assert.Equal(2, message.Attempts);
        Assert.Throws<TransitionNotAllowed>(() => message.RecordFailure(500, "again", Now.AddMinutes(2), TimeSpan.Zero));
        Assert.Throws<InvariantViolation>(() => OutboxMessage.Record(Subscription(), WebhookEvents.ClaimDecided, Guid.NewGuid(), Now, "{}")
            .RecordDelivery(302, Now));
    }

    [Fact]
    public void A_subscription_takes_only_known_events_and_an_absolute_url()
    {
        Assert.Throws<InvariantViolation>(() => WebhookSubscription.Create(Guid.NewGuid(), Guid.NewGuid(), "https://x.example/", ["claim.deleted"], "p", Now));
        Assert.Throws<InvariantViolation>(() => WebhookSubscription.Create(Guid.NewGuid(), Guid.NewGuid(), "https://x.example/", [], "p", Now));
        Assert.Throws<InvariantViolation>(() => WebhookSubscription.Create(Guid.NewGuid(), Guid.NewGuid(), "/relative", [WebhookEvents.ClaimDecided], "p", Now));
        Assert.Throws<InvariantViolation>(() => OutboxMessage.Record(Subscription(), WebhookEvents.ClaimReopened, Guid.NewGuid(), Now, "{}"));
    }

    [Theory]
    [InlineData(1, 15, 30)]
    [InlineData(2, 30, 60)]
    [InlineData(5, 240, 480)]
    [InlineData(30, 10_800, 21_600)]
    public void Back_off_doubles_with_each_failure_up_to_the_cap_with_jitter_in_its_upper_half(int attempt, double atLeast, double atMost)
    {
        foreach (var jitter in new[] { 0.0, 0.5, 0.999 })
        {
            var delay = WebhookBackoff.After(attempt, TimeSpan.FromSeconds(30), TimeSpan.FromHours(6), jitter).TotalSeconds;
            Assert.InRange(delay, atLeast, atMost);
        }
    }

    private static WebhookSubscription Subscription() =>
        WebhookSubscription.Create(Guid.NewGuid(), Guid.NewGuid(), "https://partner.example/hook", [WebhookEvents.ClaimDecided], "protected", Now);
}
