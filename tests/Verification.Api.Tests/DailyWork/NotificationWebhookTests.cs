using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mediator;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Features.Notifications;
using Verification.Api.Tests.Infrastructure;
using Verification.Api.Tests.Partners;
using Verification.Persistence;

namespace Verification.Api.Tests.DailyWork;

/// <summary>PUT/GET/DELETE /me/notification-webhook: copies of one's notifications, signed, under the partner webhooks' address rules.</summary>
public sealed class NotificationWebhookTests(ProvidersFixture fixture) : IClassFixture<ProvidersFixture>
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_notification_is_posted_once_to_the_recipients_webhook_signed_with_its_secret(DatabaseProvider provider)
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ => Results.Ok());
        await using var api = await TestApi.StartAsync(provider, Quiet(privateNetworks: true));
        var reviewer = await api.NewPersonAsync("Reviewer");
        var investigator = await api.NewPersonAsync("Investigator");
        var coordinator = await api.CoordinatorAsync();
        await Expect.Problem(await reviewer.Client.GetAsync("/api/v1/me/notification-webhook"), HttpStatusCode.NotFound);

        var set = await reviewer.Client.PutAsJsonAsync("/api/v1/me/notification-webhook", new { url = receiver.Url });
        await Expect.Status(set, HttpStatusCode.OK);
        var secret = (await set.Json()).GetProperty("secret").GetString()!;
        var read = await (await reviewer.Client.GetAsync("/api/v1/me/notification-webhook")).Json();
        Assert.Equal(receiver.Url, read.GetProperty("url").GetString());
        Assert.False(read.TryGetProperty("secret", out _), "the secret is shown once");
        // Someone else's webhook is their own business.
        await Expect.Problem(await investigator.Client.GetAsync("/api/v1/me/notification-webhook"), HttpStatusCode.NotFound);

        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        var secretComment = $"never in a webhook {Guid.NewGuid():N}";
        await Expect.Status(await coordinator.PostAsJsonAsync($"/api/v1/claims/{claim.GetProperty("id")}/comments",
            new { text = $"@{reviewer.Email} {secretComment}" }), HttpStatusCode.Created);
        await Expect.Status(await coordinator.SendWithIfMatch(HttpMethod.Put, $"/api/v1/claims/{claim.GetProperty("id")}/reviewer",
            new { userId = reviewer.Id }, etag), HttpStatusCode.OK);

        var sent = await DeliverAsync(api);
        Assert.Equal(new DeliverNotifications.Result(2, 2), sent);
        Assert.Equal(new DeliverNotifications.Result(0, 0), await DeliverAsync(api));
        Assert.Equal(2, receiver.Requests.Count);
        var listed = NotificationTests.Items(await NotificationTests.ListAsync(reviewer.Client));
        foreach (var received in receiver.Requests)
        {
            Assert.Equal(Sign(received.Body, secret), received.Signature);
            Assert.Equal("notification", received.Event);
            var body = JsonDocument.Parse(received.Body).RootElement;
            Assert.Equal(received.WebhookId, body.GetProperty("id").GetString());
            Assert.Equal(claim.GetProperty("id").GetGuid(), body.GetProperty("claimId").GetGuid());
            Assert.Contains(listed, n => n.GetProperty("id").GetString() == received.WebhookId && n.GetProperty("text").GetString() == body.GetProperty("text").GetString());
            Assert.DoesNotContain(secretComment, Encoding.UTF8.GetString(received.Body));
        }
        Assert.Equal(["Assigned", "Mentioned"], receiver.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("kind").GetString()).Order());

        // Removed: nothing more goes out, and what was pending is cancelled.
        await Expect.Status(await reviewer.Client.DeleteAsync("/api/v1/me/notification-webhook"), HttpStatusCode.NoContent);
        await Expect.Problem(await reviewer.Client.DeleteAsync("/api/v1/me/notification-webhook"), HttpStatusCode.NotFound);
        await Expect.Problem(await reviewer.Client.GetAsync("/api/v1/me/notification-webhook"), HttpStatusCode.NotFound);
        var (other, otherTag) = await investigator.Client.SubmitClaimAsync();
        await Expect.Status(await coordinator.SendWithIfMatch(HttpMethod.Put, $"/api/v1/claims/{other.GetProperty("id")}/reviewer",
            new { userId = reviewer.Id }, otherTag), HttpStatusCode.OK);
        Assert.Equal(new DeliverNotifications.Result(0, 0), await DeliverAsync(api));
        Assert.Equal(2, receiver.Requests.Count);
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_notification_webhook_follows_the_partner_webhooks_address_rules(DatabaseProvider provider)
    {
        // The shared API keeps the default: private networks closed.
        var api = await fixture.For(provider);
        var reviewer = await api.NewPersonAsync("Reviewer");
        foreach (var url in new[]
                 {
                     "http://127.0.0.1:9/hook", "https://127.0.0.1/hook", "https://10.0.0.8/hook", "https://169.254.169.254/latest/meta-data",
                     "https://[::1]/hook", "https://user:pass@hooks.example.org/", "ftp://hooks.example.org/", "not a url", "",
                 })
            await Expect.ValidationProblem(await reviewer.Client.PutAsJsonAsync("/api/v1/me/notification-webhook", new { url }), "url");
        await Expect.Problem(await reviewer.Client.GetAsync("/api/v1/me/notification-webhook"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_copy_whose_address_turns_private_is_refused_at_delivery_and_retried_not_sent()
    {
        // Set while private networks were allowed; the operator has closed them since: the sender refuses plain http.
        await using var receiver = await WebhookReceiver.StartAsync(_ => Results.Ok());
        await using var open = await TestApi.StartAsync(DatabaseProvider.Sqlite, Quiet(privateNetworks: true));
        var reviewer = await open.NewPersonAsync("Reviewer");
        var investigator = await open.NewPersonAsync("Investigator");
        await Expect.Status(await reviewer.Client.PutAsJsonAsync("/api/v1/me/notification-webhook", new { url = receiver.Url }), HttpStatusCode.OK);
        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        await using (var scope = open.Factory.Services.CreateAsyncScope())
        {
            var options = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Verification.Api.Infrastructure.Http.WebhookOptions>>();
            options.Value.AllowPrivateNetworks = false;
        }
        await Expect.Status(await (await open.CoordinatorAsync()).SendWithIfMatch(HttpMethod.Put, $"/api/v1/claims/{claim.GetProperty("id")}/reviewer",
            new { userId = reviewer.Id }, etag), HttpStatusCode.OK);
        Assert.Equal(new DeliverNotifications.Result(1, 0), await DeliverAsync(open));
        Assert.Empty(receiver.Requests);
        // The notification itself is there.
        Assert.Single(NotificationTests.Items(await NotificationTests.ListAsync(reviewer.Client)));
    }

    /// <summary>No job server: the test sends the sender's command itself, so each run's result is its own.</summary>
    private static Dictionary<string, string?> Quiet(bool privateNetworks) => new()
    {
        ["Webhooks:AllowPrivateNetworks"] = privateNetworks ? "true" : "false",
        ["Jobs:RunServer"] = "false",
    };

    private static async Task<DeliverNotifications.Result> DeliverAsync(TestApi api)
    {
        await using var scope = api.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(new DeliverNotifications.Command());
    }

    private static string Sign(byte[] body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
