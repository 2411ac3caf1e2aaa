using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Partners;

public sealed class PartnerKeyTests
{
    private static readonly string[] PartnerReads = ["/api/v1/partner/claims", "/api/v1/partner/exports/claims?format=ndjson", "/api/v1/partner/webhooks"];

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_rotated_or_revoked_key_is_refused_on_the_very_next_request(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        var partner = await world.NewPartnerAsync();
        Assert.StartsWith("vk_", partner.Key);
        await Expect.Status(await partner.Client.GetAsync("/api/v1/partner/claims"), HttpStatusCode.OK);
        await Expect.Status(await world.PartnerClient(partner.Key, inAuthorizationHeader: true).GetAsync("/api/v1/partner/claims"), HttpStatusCode.OK);

        var rotated = await world.Coordinator.PostAsync($"/api/v1/partners/{partner.Id}/keys", null);
        await Expect.Status(rotated, HttpStatusCode.Created);
        var newKey = (await rotated.Json()).GetProperty("apiKey").GetString()!;
        Assert.NotEqual(partner.Key, newKey);
        await Expect.Problem(await partner.Client.GetAsync("/api/v1/partner/claims"), HttpStatusCode.Unauthorized);
        var renewed = world.PartnerClient(newKey);
        await Expect.Status(await renewed.GetAsync("/api/v1/partner/claims"), HttpStatusCode.OK);

        await Expect.Status(await world.Coordinator.DeleteAsync($"/api/v1/partners/{partner.Id}/keys"), HttpStatusCode.NoContent);
        foreach (var route in PartnerReads)
            await Expect.Problem(await renewed.GetAsync(route), HttpStatusCode.Unauthorized);
        // Revoking twice is a move the partner's state forbids, not a silent no-op.
        await Expect.Problem(await world.Coordinator.DeleteAsync($"/api/v1/partners/{partner.Id}/keys"), HttpStatusCode.Conflict);

        var listed = await (await world.Coordinator.GetAsync("/api/v1/partners")).Json();
        var row = listed.GetProperty("items").EnumerateArray().Single(p => p.GetProperty("id").GetGuid() == partner.Id);
        Assert.Equal(newKey[..11], row.GetProperty("keyPrefix").GetString());
        Assert.NotEqual(JsonValueKindNull, row.GetProperty("keyRevokedAt").ValueKind);
        Assert.False(row.TryGetProperty("apiKey", out _));
        Assert.False(row.TryGetProperty("keyHash", out _));
    }

    [Fact]
    public async Task The_key_is_stored_only_as_its_SHA256_hash_and_a_short_prefix()
    {
        await using var world = await PartnerWorld.StartAsync(DatabaseProvider.Sqlite);
        var partner = await world.NewPartnerAsync("Restricted", "UN human rights desk");
        await using var db = world.Api.Factory.CreateDb();
        var stored = await db.Partners.AsNoTracking().SingleAsync(p => p.Id == partner.Id);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(partner.Key))), stored.KeyHash.Trim());
        Assert.Equal(partner.Key[..11], stored.KeyPrefix);
        Assert.True(partner.Key.Length >= 3 + 43, "256 random bits in base64url after the prefix");
        Assert.DoesNotContain(partner.Key, stored.KeyHash + stored.KeyPrefix + stored.Name);
    }

    [Fact]
    public async Task Staff_tokens_do_not_open_partner_routes_and_partner_keys_do_not_open_staff_routes()
    {
        await using var world = await PartnerWorld.StartAsync(DatabaseProvider.Sqlite);
        var partner = await world.NewPartnerAsync();
        var claimId = await world.DecidedAsync();
        var partnerRoutes = new (HttpMethod Method, string Url)[]
        {
            (HttpMethod.Get, "/api/v1/partner/claims"),
            (HttpMethod.Get, $"/api/v1/partner/claims/{claimId}"),
            (HttpMethod.Get, "/api/v1/partner/exports/claims?format=csv"),
            (HttpMethod.Post, "/api/v1/partner/webhooks"),
            (HttpMethod.Get, "/api/v1/partner/webhooks"),
            (HttpMethod.Get, $"/api/v1/partner/webhooks/{Guid.NewGuid()}/deliveries"),
        };
        foreach (var (method, url) in partnerRoutes)
        {
            foreach (var staff in new[] { world.Coordinator, world.Reviewer.Client, world.Investigator.Client })
                await Expect.Problem(await staff.SendAsync(Request(method, url)), HttpStatusCode.Forbidden);
            await Expect.Problem(await world.Api.Anonymous.SendAsync(Request(method, url)), HttpStatusCode.Unauthorized);
        }

        var staffRoutes = new (HttpMethod Method, string Url)[]
        {
            (HttpMethod.Get, "/api/v1/claims"),
            (HttpMethod.Get, $"/api/v1/claims/{claimId}"),
            (HttpMethod.Get, $"/api/v1/claims/{claimId}/history"),
            (HttpMethod.Get, $"/api/v1/claims/{claimId}/evidence"),
            (HttpMethod.Get, $"/api/v1/claims/{claimId}/verdict-proposals"),
            (HttpMethod.Post, "/api/v1/claims"),
            (HttpMethod.Get, "/api/v1/audit"),
            (HttpMethod.Get, "/api/v1/users"),
            (HttpMethod.Get, "/api/v1/partners"),
            (HttpMethod.Post, $"/api/v1/partners/{partner.Id}/keys"),
        };
        foreach (var (method, url) in staffRoutes)
            await Expect.Problem(await partner.Client.SendAsync(Request(method, url)), HttpStatusCode.Forbidden);
        // The partner's own key still works: the refusals above did not revoke anything.
        await Expect.Status(await partner.Client.GetAsync("/api/v1/partner/claims"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_unknown_or_malformed_key_is_401()
    {
        await using var world = await PartnerWorld.StartAsync(DatabaseProvider.Sqlite);
        var partner = await world.NewPartnerAsync();
        var guessed = partner.Key[..11] + new string('A', partner.Key.Length - 11); // right prefix, wrong secret
        foreach (var key in new[] { guessed, "vk_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), "not-a-key", " " })
        {
            var client = world.PartnerClient(key);
            var problem = await Expect.Problem(await client.GetAsync("/api/v1/partner/claims"), HttpStatusCode.Unauthorized);
            Assert.Equal(401, problem.GetProperty("status").GetInt32());
        }
        var empty = world.Api.Factory.CreateClient();
        empty.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "ApiKey ");
        await Expect.Problem(await empty.GetAsync("/api/v1/partner/claims"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Only_coordinators_register_partners_and_a_partner_needs_a_name_and_a_sharing_level()
    {
        await using var world = await PartnerWorld.StartAsync(DatabaseProvider.Sqlite);
        await Expect.Problem(await world.Reviewer.Client.PostAsJsonAsync("/api/v1/partners", new { name = "Newsroom", sharingLevel = "Public" }),
            HttpStatusCode.Forbidden);
        await Expect.ValidationProblem(await world.Coordinator.PostAsJsonAsync("/api/v1/partners", new { name = "Newsroom" }), "sharingLevel");
        await Expect.ValidationProblem(await world.Coordinator.PostAsJsonAsync("/api/v1/partners", new { sharingLevel = "Public" }), "name");

        var created = await world.Coordinator.PostAsJsonAsync("/api/v1/partners", new { name = "Newsroom", sharingLevel = "Public" });
        await Expect.Status(created, HttpStatusCode.Created);
        var body = await created.Json();
        Assert.Equal("Public", body.GetProperty("sharingLevel").GetString());
        Assert.Equal($"/api/v1/partners/{body.GetProperty("id").GetGuid()}", created.Headers.Location!.OriginalString);
        await Expect.Problem(await world.Coordinator.PostAsJsonAsync("/api/v1/partners", new { name = "Newsroom", sharingLevel = "Restricted" }),
            HttpStatusCode.Conflict);

        var read = await (await world.Coordinator.GetAsync(created.Headers.Location)).Json();
        Assert.Equal("Newsroom", read.GetProperty("name").GetString());
        Assert.False(read.TryGetProperty("apiKey", out _), "the key is shown once, at creation");
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_partner_routes_and_the_ApiKey_scheme()
    {
        await using var api = await TestApi.StartAsync(DatabaseProvider.Sqlite);
        var document = await (await api.Anonymous.GetAsync("/openapi/v1.json")).Json();
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("apiKey", scheme.GetProperty("type").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
        var paths = document.GetProperty("paths");
        foreach (var (path, method) in new[]
                 {
                     ("/api/v1/partner/claims", "get"), ("/api/v1/partner/claims/{id}", "get"), ("/api/v1/partner/exports/claims", "get"),
                     ("/api/v1/partner/webhooks", "post"), ("/api/v1/partner/webhooks", "get"), ("/api/v1/partner/webhooks/{id}/deliveries", "get"),
                     ("/api/v1/partners", "post"), ("/api/v1/partners", "get"), ("/api/v1/partners/{id}/keys", "post"), ("/api/v1/partners/{id}/keys", "delete"),
                 })
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), $"{method} {path} has a summary");
        }
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    private static HttpRequestMessage Request(HttpMethod method, string url)
    {
        var request = new HttpRequestMessage(method, url);
        if (method == HttpMethod.Post)
            request.Content = JsonContent.Create(new { url = "https://example.org/hook", events = new[] { "claim.decided" } });
        return request;
    }
}
