using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hangfire;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Partners;

public sealed class WebhookTests
{
    private static readonly Dictionary<string, string?> PrivateNetworksAllowed = new()
    {
        ["Webhooks:AllowPrivateNetworks"] = "true",
        ["Webhooks:BaseRetrySeconds"] = "1",
    };

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_decided_claim_is_posted_once_to_the_subscriber_signed_with_its_secret(DatabaseProvider provider)
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ => Results.Ok());
        await using var world = await PartnerWorld.StartAsync(provider, PrivateNetworksAllowed);
        var partner = await world.NewPartnerAsync();
        var (subscription, secret) = await SubscribeAsync(partner, receiver.Url, "claim.decided");
        var listed = await (await partner.Client.GetAsync("/api/v1/partner/webhooks")).Json();
        var item = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal(receiver.Url, item.GetProperty("url").GetString());
        Assert.False(item.TryGetProperty("secret", out _), "the secret is shown once, at subscription");

        var claimId = await world.DecidedAsync();
        world.Api.Factory.Services.GetRequiredService<IRecurringJobManager>().Trigger("deliver-webhooks");
        await Eventually(() => Task.FromResult(!receiver.Requests.IsEmpty), "the receiver gets the event");
        await world.DeliverWebhooksAsync(); // a later run sends nothing more: the event is delivered

        var received = Assert.Single(receiver.Requests);
        Assert.Equal(Sign(received.Body, secret), received.Signature);
        Assert.Equal("application/json", received.ContentType?.Split(';')[0]);
        var body = JsonDocument.Parse(received.Body).RootElement;
        PartnerShape.AssertOnlyAllowed(body, "claim", "id", "event", "occurredAt", "claimId", "reference", "verdict", "verdict.rating",
            "verdict.decidedAt", "claim");
        Assert.Equal(received.WebhookId, body.GetProperty("id").GetString());
        Assert.True(Guid.TryParse(received.WebhookId, out _), "X-Webhook-Id is the event's id");
        Assert.Equal("claim.decided", body.GetProperty("event").GetString());
        Assert.Equal("claim.decided", received.Event);
        Assert.Equal(claimId, body.GetProperty("claim").GetProperty("id").GetGuid());
        Assert.Equal("Weak", body.GetProperty("claim").GetProperty("verdict").GetProperty("rating").GetString());

        // The triggered job records the delivery after the receiver has the request: wait for its record, not a fixed time.
        await Eventually(async () => (await DeliveriesAsync(partner, subscription)).Any(d => d.GetProperty("status").GetString() != "Pending"),
            "the delivery is recorded");
        var log = await DeliveriesAsync(partner, subscription);
        var delivery = Assert.Single(log);
        Assert.Equal(received.WebhookId, delivery.GetProperty("id").GetString());
        Assert.Equal("Delivered", delivery.GetProperty("status").GetString());
        Assert.Equal([200], delivery.GetProperty("attemptLog").EnumerateArray().Select(a => a.GetProperty("statusCode").GetInt32()));
    }

    [Fact]
    public async Task A_receiver_that_fails_first_gets_the_same_event_again_until_it_answers_2xx()
    {
        await using var receiver = await WebhookReceiver.StartAsync(n => n == 1 ? Results.StatusCode(500) : Results.NoContent());
        await using var world = await PartnerWorld.StartAsync(DatabaseProvider.Sqlite, PrivateNetworksAllowed);
        var partner = await world.NewPartnerAsync();
        var (subscription, secret) = await SubscribeAsync(partner, receiver.Url, "claim.decided");
        await world.DecidedAsync();

        await Eventually(async () =>
        {
            await world.DeliverWebhooksAsync();
            return (await DeliveriesAsync(partner, subscription)).Single().GetProperty("status").GetString() == "Delivered";
        }, "the event is delivered after the receiver recovers");

        Assert.Equal(2, receiver.Requests.Count);
        Assert.Single(receiver.Requests.Select(r => r.WebhookId).Distinct());
        Assert.All(receiver.Requests, r => Assert.Equal(Sign(r.Body, secret), r.Signature));
        var attempts = (await DeliveriesAsync(partner, subscription)).Single().GetProperty("attemptLog").EnumerateArray().ToList();
        Assert.Equal([500, 204], attempts.Select(a => a.GetProperty("statusCode").GetInt32()));
        Assert.NotEqual(JsonValueKind.Null, attempts[0].GetProperty("nextAttemptAt").ValueKind);
        Assert.True(attempts[1].GetProperty("attemptedAt").GetDateTime() >= attempts[0].GetProperty("nextAttemptAt").GetDateTime(),
            "the retry waits for its back-off");
    }

    [Fact]
    public async Task A_reopened_claim_is_announced_without_its_claim_and_with_the_verdict_it_withdrew()
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ => Results.Ok());
        await using var world = await PartnerWorld.StartAsync(DatabaseProvider.Sqlite, PrivateNetworksAllowed);
        var partner = await world.NewPartnerAsync();
        var (subscription, _) = await SubscribeAsync(partner, receiver.Url, "claim.decided", "claim.reopened");
        var claimId = await world.DecidedAsync(rating: "Contested");
        await world.ReopenAsync(claimId);

        await Eventually(async () =>
        {
            await world.DeliverWebhooksAsync();
            return receiver.Requests.Count >= 2;
        }, "both events arrive");
        var reopened = receiver.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement)
            .Single(b => b.GetProperty("event").GetString() == "claim.reopened");
        Assert.Equal(claimId, reopened.GetProperty("claimId").GetGuid());
        Assert.Equal("Contested", reopened.GetProperty("verdict").GetProperty("rating").GetString());
        // The claim is back in corroboration: partners see decided claims only, so the body carries no claim.
        Assert.Equal(JsonValueKind.Null, reopened.GetProperty("claim").ValueKind);
        Assert.Equal(2, (await DeliveriesAsync(partner, subscription)).Count);
    }

    [Fact]
    public async Task Link_local_webhook_urls_are_refused_even_when_private_networks_are_allowed()
    {
        var dns = new FakeDns { ["metadata.test"] = IPAddress.Parse("169.254.169.254"), ["v6.test"] = IPAddress.Parse("fe80::1") };
        await using var world = await PartnerWorld.StartAsync(DatabaseProvider.Sqlite, PrivateNetworksAllowed, dns.Install);
        var partner = await world.NewPartnerAsync();
        foreach (var url in new[] { "https://169.254.169.254/latest/meta-data/", "http://169.254.169.254/", "https://[fe80::1]/hook",
                     "https://metadata.test/hook", "https://v6.test/hook", "https://[::ffff:169.254.169.254]/" })
        {
            var refused = await partner.Client.PostAsJsonAsync("/api/v1/partner/webhooks", new { url, events = new[] { "claim.decided" } });
            var problem = await Expect.ValidationProblem(refused, "url");
            Assert.Contains("link-local", problem.GetProperty("errors").GetProperty("url")[0].GetString());
        }
        Assert.Empty((await (await partner.Client.GetAsync("/api/v1/partner/webhooks")).Json()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Loopback_private_and_plain_http_urls_are_refused_unless_the_operator_allows_private_networks()
    {
        var dns = new FakeDns { ["intranet.test"] = IPAddress.Parse("192.168.10.20"), ["public.test"] = IPAddress.Parse("203.0.113.10") };
        await using var world = await PartnerWorld.StartAsync(DatabaseProvider.Sqlite, services: dns.Install);
        var partner = await world.NewPartnerAsync();
        foreach (var url in new[] { "https://127.0.0.1/", "https://10.0.0.8/hook", "https://172.16.5.4/", "https://192.168.1.10/",
                     "https://[::1]/hook", "https://[fd00::1]/hook", "https://intranet.test/hook", "http://public.test/hook",
                     "ftp://public.test/hook", "https://user:pass@public.test/hook", "not a url" })
        {
            var refused = await partner.Client.PostAsJsonAsync("/api/v1/partner/webhooks", new { url, events = new[] { "claim.decided" } });
            await Expect.ValidationProblem(refused, "url");
        }
        await Expect.ValidationProblem(await partner.Client.PostAsJsonAsync("/api/v1/partner/webhooks",
            new { url = "https://127.0.0.1/", events = new[] { "claim.deleted" } }), "events[0]");
    }

    [Fact]
    public async Task A_name_that_later_resolves_to_a_link_local_address_is_refused_where_the_connection_is_made()
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ => Results.Ok());
        var dns = new FakeDns { ["rebind.test"] = IPAddress.Loopback };
        await using var world = await PartnerWorld.StartAsync(DatabaseProvider.Sqlite, PrivateNetworksAllowed, dns.Install);
        var partner = await world.NewPartnerAsync();
        var (subscription, _) = await SubscribeAsync(partner, $"http://rebind.test:{receiver.Port}/hook", "claim.decided");

        // DNS rebinding: the name passed the check when the partner subscribed, and now points at the metadata service.
        dns["rebind.test"] = IPAddress.Parse("169.254.169.254");
        await world.DecidedAsync();
        await Eventually(async () =>
        {
            await world.DeliverWebhooksAsync();
            return (await DeliveriesAsync(partner, subscription)).Single().GetProperty("attempts").GetInt32() >= 1;
        }, "the delivery is attempted");

        var delivery = (await DeliveriesAsync(partner, subscription)).Single();
        Assert.Equal("Pending", delivery.GetProperty("status").GetString());
        var attempt = delivery.GetProperty("attemptLog")[0];
        Assert.Equal(JsonValueKind.Null, attempt.GetProperty("statusCode").ValueKind);
        Assert.Contains("link-local", attempt.GetProperty("error").GetString());
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task A_redirect_is_never_followed()
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ => Results.Redirect("http://169.254.169.254/latest/meta-data/", preserveMethod: true));
        await using var world = await PartnerWorld.StartAsync(DatabaseProvider.Sqlite, PrivateNetworksAllowed);
        var partner = await world.NewPartnerAsync();
        var (subscription, _) = await SubscribeAsync(partner, receiver.Url, "claim.decided");
        await world.DecidedAsync();
        await Eventually(async () =>
        {
            await world.DeliverWebhooksAsync();
            return !receiver.Requests.IsEmpty;
        }, "the receiver is asked once");

        var delivery = (await DeliveriesAsync(partner, subscription)).Single();
        Assert.Equal("Pending", delivery.GetProperty("status").GetString());
        Assert.Equal(307, delivery.GetProperty("attemptLog")[0].GetProperty("statusCode").GetInt32());
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task A_partner_sees_only_its_own_subscriptions_and_delivery_logs()
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ => Results.Ok());
        await using var world = await PartnerWorld.StartAsync(DatabaseProvider.Sqlite, PrivateNetworksAllowed);
        var owner = await world.NewPartnerAsync();
        var other = await world.NewPartnerAsync();
        var (subscription, _) = await SubscribeAsync(owner, receiver.Url, "claim.decided");

        await Expect.Problem(await other.Client.GetAsync($"/api/v1/partner/webhooks/{subscription}/deliveries"), HttpStatusCode.NotFound);
        Assert.Empty((await (await other.Client.GetAsync("/api/v1/partner/webhooks")).Json()).GetProperty("items").EnumerateArray());
        await Expect.Status(await owner.Client.GetAsync($"/api/v1/partner/webhooks/{subscription}/deliveries"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_partner_whose_key_is_revoked_gets_no_more_webhooks()
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ => Results.Ok());
        await using var world = await PartnerWorld.StartAsync(DatabaseProvider.Sqlite, PrivateNetworksAllowed);
        var partner = await world.NewPartnerAsync();
        var (subscription, _) = await SubscribeAsync(partner, receiver.Url, "claim.decided", "claim.reopened");
        var claimId = await world.DecidedAsync();
        await Expect.Status(await world.Coordinator.DeleteAsync($"/api/v1/partners/{partner.Id}/keys"), HttpStatusCode.NoContent);
        await world.ReopenAsync(claimId); // after revocation: no event is even written

        await world.DeliverWebhooksAsync();
        Assert.Empty(receiver.Requests);
        // The partner cannot read its log with a revoked key; with a new one it sees the one event, cancelled.
        var renewed = await world.Coordinator.PostAsync($"/api/v1/partners/{partner.Id}/keys", null);
        var client = world.PartnerClient((await renewed.Json()).GetProperty("apiKey").GetString()!);
        var log = await (await client.GetAsync($"/api/v1/partner/webhooks/{subscription}/deliveries")).Json();
        var delivery = Assert.Single(log.GetProperty("items").EnumerateArray());
        Assert.Equal("Cancelled", delivery.GetProperty("status").GetString());
    }

    private static async Task<(Guid Id, string Secret)> SubscribeAsync(PartnerAccess partner, string url, params string[] events)
    {
        var response = await partner.Client.PostAsJsonAsync("/api/v1/partner/webhooks", new { url, events });
        await Expect.Status(response, HttpStatusCode.Created);
        var body = await response.Json();
        var secret = body.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        return (body.GetProperty("id").GetGuid(), secret);
    }

    private static async Task<List<JsonElement>> DeliveriesAsync(PartnerAccess partner, Guid subscription)
    {
        var response = await partner.Client.GetAsync($"/api/v1/partner/webhooks/{subscription}/deliveries");
        await Expect.Status(response, HttpStatusCode.OK);
        return [.. (await response.Json()).GetProperty("items").EnumerateArray()];
    }

    /// <summary>What a receiver computes to check a delivery: HMAC-SHA256 of the raw body, keyed with the secret's UTF-8 bytes.</summary>
    private static string Sign(byte[] body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(45);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(250);
        }
    }

    /// <summary>A DNS whose answers a test sets: names it does not know resolve to nothing.</summary>
    private sealed class FakeDns : IHostResolver
    {
        private readonly ConcurrentDictionary<string, IPAddress> _names = new(StringComparer.OrdinalIgnoreCase);

        public IPAddress this[string name]
        {
            set => _names[name] = value;
        }

        public void Install(IServiceCollection services) => services.Replace(ServiceDescriptor.Singleton<IHostResolver>(this));

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) =>
            Task.FromResult(_names.TryGetValue(host, out var address) ? new[] { address } : []);
    }
}
