using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Verification.Api.Tests.Infrastructure;
using Verification.Api.Tests.Partners;
using Verification.Persistence;

namespace Verification.Api.Tests.DailyWork;

/// <summary>A partner manages its webhook subscriptions: read, change, delete, rotate; a filter; at most 10, one per url.</summary>
public sealed class WebhookManagementTests
{
    private static readonly Dictionary<string, string?> PrivateNetworksAllowed = new() { ["Webhooks:AllowPrivateNetworks"] = "true" };

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_partner_has_at_most_10_subscriptions_and_one_per_url_even_when_asking_at_once(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider, PrivateNetworksAllowed);
        var partner = await world.NewPartnerAsync();
        var other = await world.NewPartnerAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 8; i++)
            ids.Add(await SubscribeAsync(partner.Client, $"http://127.0.0.1:9/hook/{i}"));

        var duplicate = await partner.Client.PostAsJsonAsync("/api/v1/partner/webhooks", new { url = "http://127.0.0.1:9/hook/3", events = new[] { "claim.reopened" } });
        await Expect.Problem(duplicate, HttpStatusCode.Conflict);
        // Another partner may use the same url: the rule is per partner.
        await SubscribeAsync(other.Client, "http://127.0.0.1:9/hook/3");

        // Five at once with room for two: exactly two get in.
        var racing = await Task.WhenAll(Enumerable.Range(100, 5).Select(i =>
            partner.Client.PostAsJsonAsync("/api/v1/partner/webhooks", new { url = $"http://127.0.0.1:9/hook/{i}", events = new[] { "claim.decided" } })));
        Assert.Equal(2, racing.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(3, racing.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var eleventh = await partner.Client.PostAsJsonAsync("/api/v1/partner/webhooks", new { url = "http://127.0.0.1:9/hook/eleven", events = new[] { "claim.decided" } });
        var problem = await Expect.Problem(eleventh, HttpStatusCode.Conflict);
        Assert.Contains("at most 10", problem.GetProperty("detail").GetString());
        Assert.Equal(10, (await (await partner.Client.GetAsync("/api/v1/partner/webhooks")).Json()).GetProperty("items").GetArrayLength());

        // Deleting one makes room, and frees its url.
        await Expect.Status(await partner.Client.DeleteAsync($"/api/v1/partner/webhooks/{ids[3]}"), HttpStatusCode.NoContent);
        await SubscribeAsync(partner.Client, "http://127.0.0.1:9/hook/3");
        await Expect.Problem(await partner.Client.PostAsJsonAsync("/api/v1/partner/webhooks", new { url = "http://127.0.0.1:9/hook/twelve", events = new[] { "claim.decided" } }),
            HttpStatusCode.Conflict);
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_partner_reads_changes_rotates_and_deletes_its_own_subscription_and_no_one_elses(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider, PrivateNetworksAllowed);
        var partner = await world.NewPartnerAsync();
        var other = await world.NewPartnerAsync();
        var created = await partner.Client.PostAsJsonAsync("/api/v1/partner/webhooks", new
        {
            url = "http://127.0.0.1:9/hook/a",
            events = new[] { "claim.decided" },
            filter = new { countryCodes = new[] { "ml" }, violationTypes = new[] { "AttackCivilianHarm" } },
        });
        await Expect.Status(created, HttpStatusCode.Created);
        var id = (await created.Json()).GetProperty("id").GetGuid();
        var second = await SubscribeAsync(partner.Client, "http://127.0.0.1:9/hook/b");

        var read = await (await partner.Client.GetAsync($"/api/v1/partner/webhooks/{id}")).Json();
        Assert.Equal(["ML"], read.GetProperty("filter").GetProperty("countryCodes").EnumerateArray().Select(c => c.GetString()));
        Assert.False(read.TryGetProperty("secret", out _));
        foreach (var probe in new Func<HttpClient, Task<HttpResponseMessage>>[]
                 {
                     c => c.GetAsync($"/api/v1/partner/webhooks/{id}"),
                     c => c.PatchAsJsonAsync($"/api/v1/partner/webhooks/{id}", new { events = new[] { "claim.reopened" } }),
                     c => c.PostAsync($"/api/v1/partner/webhooks/{id}/secret", null),
                     c => c.DeleteAsync($"/api/v1/partner/webhooks/{id}"),
                 })
            await Expect.Problem(await probe(other.Client), HttpStatusCode.NotFound);

        var changed = await partner.Client.PatchAsJsonAsync($"/api/v1/partner/webhooks/{id}",
            new { events = new[] { "claim.decided", "claim.reopened" }, filter = new { bbox = new[] { -5.5, 10.0, 4.3, 25.0 } } });
        await Expect.Status(changed, HttpStatusCode.OK);
        var now = await changed.Json();
        Assert.Equal("http://127.0.0.1:9/hook/a", now.GetProperty("url").GetString());
        Assert.Equal(2, now.GetProperty("events").GetArrayLength());
        Assert.Equal(4, now.GetProperty("filter").GetProperty("bbox").GetArrayLength());
        // A merge patch merges objects: the countries given earlier stay beside the new box.
        Assert.Equal(["ML"], now.GetProperty("filter").GetProperty("countryCodes").EnumerateArray().Select(c => c.GetString()));

        await Expect.ValidationProblem(await partner.Client.PatchAsJsonAsync($"/api/v1/partner/webhooks/{id}", new { url = "http://169.254.169.254/latest" }), "url");
        await Expect.ValidationProblem(await partner.Client.PatchAsJsonAsync($"/api/v1/partner/webhooks/{id}", new { events = Array.Empty<string>() }), "events");
        await Expect.ValidationProblem(await partner.Client.PatchAsJsonAsync($"/api/v1/partner/webhooks/{id}", new { filter = new { countryCodes = new[] { "XX" } } }), "filter.countryCodes");
        await Expect.ValidationProblem(await partner.Client.PatchAsJsonAsync($"/api/v1/partner/webhooks/{id}", new { filter = new { bbox = new[] { 5.0, 10.0, 4.0 } } }), "filter.bbox");
        await Expect.Problem(await partner.Client.PatchAsJsonAsync($"/api/v1/partner/webhooks/{second}", new { url = "http://127.0.0.1:9/hook/a" }), HttpStatusCode.Conflict);
        var cleared = await (await partner.Client.PatchAsJsonAsync($"/api/v1/partner/webhooks/{id}", new { filter = (object?)null })).Json();
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("filter").ValueKind);

        var rotated = await partner.Client.PostAsync($"/api/v1/partner/webhooks/{id}/secret", null);
        await Expect.Status(rotated, HttpStatusCode.OK);
        Assert.StartsWith("whsec_", (await rotated.Json()).GetProperty("secret").GetString());

        await Expect.Status(await partner.Client.DeleteAsync($"/api/v1/partner/webhooks/{id}"), HttpStatusCode.NoContent);
        await Expect.Problem(await partner.Client.GetAsync($"/api/v1/partner/webhooks/{id}"), HttpStatusCode.NotFound);
        await Expect.Problem(await partner.Client.DeleteAsync($"/api/v1/partner/webhooks/{id}"), HttpStatusCode.NotFound);
        var listed = await (await partner.Client.GetAsync("/api/v1/partner/webhooks")).Json();
        Assert.Equal([second], listed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Only_subscriptions_whose_filter_follows_the_claim_hear_of_it_signed_with_the_rotated_secret(DatabaseProvider provider)
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ => Results.Ok());
        await using var world = await PartnerWorld.StartAsync(provider, PrivateNetworksAllowed);
        var partner = await world.NewPartnerAsync();
        // Kidal is at longitude 1.4078, latitude 18.4411 (Mali): the box's corner is exactly there, edges inclusive.
        var mali = await SubscribeAsync(partner.Client, receiver.Url + "?f=mali", new { countryCodes = new[] { "ML" } });
        var box = await SubscribeAsync(partner.Client, receiver.Url + "?f=box", new { bbox = new[] { 1.4078, 18.4411, 3.0, 20.0 } });
        var burkina = await SubscribeAsync(partner.Client, receiver.Url + "?f=bf", new { countryCodes = new[] { "BF" } });
        var torture = await SubscribeAsync(partner.Client, receiver.Url + "?f=torture", new { violationTypes = new[] { "Torture" } });
        var outside = await SubscribeAsync(partner.Client, receiver.Url + "?f=outside", new { bbox = new[] { 1.41, 18.0, 3.0, 20.0 } });
        var deleted = await SubscribeAsync(partner.Client, receiver.Url + "?f=deleted");
        await Expect.Status(await partner.Client.DeleteAsync($"/api/v1/partner/webhooks/{deleted}"), HttpStatusCode.NoContent);
        var secret = (await (await partner.Client.PostAsync($"/api/v1/partner/webhooks/{mali}/secret", null)).Json()).GetProperty("secret").GetString()!;

        await world.DecidedAsync();
        // The decision also wakes the sender in the background; either run sends each event once.
        for (var tries = 0; receiver.Requests.Count < 2 && tries < 60; tries++)
        {
            await world.DeliverWebhooksAsync();
            await Task.Delay(250);
        }

        Assert.Single(await DeliveriesAsync(partner.Client, mali));
        Assert.Single(await DeliveriesAsync(partner.Client, box));
        foreach (var silent in new[] { burkina, torture, outside, deleted })
            Assert.Empty(await DeliveriesAsync(partner.Client, silent));
        Assert.Equal(2, receiver.Requests.Count);
        var toMali = Assert.Single(receiver.Requests, r => r.Body.Length > 0 && Sign(r.Body, secret) == r.Signature);
        Assert.NotNull(toMali);
    }

    private static async Task<Guid> SubscribeAsync(HttpClient partner, string url, object? filter = null)
    {
        var response = await partner.PostAsJsonAsync("/api/v1/partner/webhooks", new { url, events = new[] { "claim.decided" }, filter });
        await Expect.Status(response, HttpStatusCode.Created);
        return (await response.Json()).GetProperty("id").GetGuid();
    }

    private static async Task<List<JsonElement>> DeliveriesAsync(HttpClient partner, Guid subscription)
    {
        var response = await partner.GetAsync($"/api/v1/partner/webhooks/{subscription}/deliveries");
        await Expect.Status(response, HttpStatusCode.OK);
        return [.. (await response.Json()).GetProperty("items").EnumerateArray()];
    }

    private static string Sign(byte[] body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
