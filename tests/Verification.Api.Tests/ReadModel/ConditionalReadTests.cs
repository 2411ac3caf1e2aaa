using System.Net;
using System.Text.Json;
using Verification.Api.Tests.Infrastructure;
using Verification.Api.Tests.Partners;
using Verification.Persistence;

namespace Verification.Api.Tests.ReadModel;

/// <summary>
/// The read side's fast paths: a conditional read compares the claim's version before it reads any bytes (304 only for
/// the current version, and only for a caller who may see the claim), and the unfiltered list and partner pages run
/// compiled queries that must answer exactly what the filtered (general) path answers.
/// </summary>
public sealed class ConditionalReadTests
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_conditional_read_is_304_only_for_the_current_version_and_only_for_a_caller_who_may_see_the_claim(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        var investigator = world.Investigator.Client;
        var (claim, etag) = await investigator.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();
        var url = $"/api/v1/claims/{id}";

        // The submitter (the investigator's visibility rule) and a reviewer (sees all): the current tag, strong or weak, is 304.
        foreach (var client in new[] { investigator, world.Reviewer.Client })
        {
            foreach (var tag in new[] { etag, "W/" + etag })
            {
                var notModified = await client.SendAsync(Conditional(url, tag));
                Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
                Assert.Equal(etag, notModified.Headers.ETag!.Tag);
                Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
            }
        }

        // Another investigator who sends the claim's exact current tag learns nothing: 404, as without the header.
        var stranger = await world.Api.NewPersonAsync("Investigator");
        await Expect.Problem(await stranger.Client.SendAsync(Conditional(url, etag)), HttpStatusCode.NotFound);
        await Expect.Problem(await stranger.Client.SendAsync(Conditional(url, "W/" + etag)), HttpStatusCode.NotFound);

        // Not our tag for this version (a leading zero, another number): the full answer.
        var version = claim.GetProperty("version").GetInt64();
        foreach (var other in new[] { $"\"0{version}\"", $"\"{version + 1}\"", "\"abc\"" })
        {
            var full = await world.Reviewer.Client.SendAsync(Conditional(url, other));
            await Expect.Status(full, HttpStatusCode.OK);
            Assert.Equal(version, (await full.Json()).GetProperty("version").GetInt64());
        }

        // After a change the old tag is stale: the new version's body and tag, and the new tag is then 304.
        await Expect.Status(await world.Reviewer.Client.PostWithIfMatch($"/api/v1/claims/{id}/triage", new { decision = "Accept" }, etag), HttpStatusCode.OK);
        var changed = await world.Reviewer.Client.SendAsync(Conditional(url, etag));
        await Expect.Status(changed, HttpStatusCode.OK);
        var body = await changed.Json();
        Assert.Equal("InCorroboration", body.GetProperty("status").GetString());
        var current = changed.Headers.ETag!.Tag;
        Assert.NotEqual(etag, current);
        Assert.Equal($"\"{body.GetProperty("version").GetInt64()}\"", current);
        Assert.Equal(HttpStatusCode.NotModified, (await investigator.SendAsync(Conditional(url, current))).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_partner_conditional_read_is_304_only_for_a_decided_claim_at_that_version(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        var partner = await world.NewPartnerAsync("Public");

        // Not decided: a partner sending the staff tag gets 404, never 304.
        var (undecided, _, etag) = await world.InCorroborationAsync();
        await Expect.Problem(await partner.Client.SendAsync(Conditional($"/api/v1/partner/claims/{undecided}", etag)), HttpStatusCode.NotFound);

        var decided = await world.DecidedAsync();
        var url = $"/api/v1/partner/claims/{decided}";
        var first = await partner.Client.GetAsync(url);
        await Expect.Status(first, HttpStatusCode.OK);
        var tag = first.Headers.ETag!.Tag;
        var notModified = await partner.Client.SendAsync(Conditional(url, tag));
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        // Reopened: no longer decided, so the tag it had is 404 for the partner.
        await world.ReopenAsync(decided);
        await Expect.Problem(await partner.Client.SendAsync(Conditional(url, tag)), HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task The_unfiltered_pages_answer_what_the_filtered_path_answers_for_the_same_claims(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        var partner = await world.NewPartnerAsync("Restricted");
        for (var i = 0; i < 3; i++)
            await world.DecidedAsync();
        await world.Investigator.Client.SubmitClaimAsync();
        await world.InCorroborationAsync();

        // Staff list: no filter (the compiled query) against a filter every claim passes (the general query), page by page.
        var plain = await WalkAsync(world.Reviewer.Client, "/api/v1/claims?limit=2");
        var filtered = await WalkAsync(world.Reviewer.Client, "/api/v1/claims?limit=2&from=1900-01-01");
        Assert.True(plain.Count >= 3);
        Assert.Equal(filtered, plain);

        // Partner list: the same with updatedSince far in the past.
        var partnerPlain = await WalkAsync(partner.Client, "/api/v1/partner/claims?limit=2");
        var partnerFiltered = await WalkAsync(partner.Client, "/api/v1/partner/claims?limit=2&updatedSince=2000-01-01T00:00:00Z");
        Assert.True(partnerPlain.Count >= 2);
        Assert.Equal(partnerFiltered, partnerPlain);

        // A Public partner: its compiled reads are the Restricted ones with the document column swapped. Pages and single
        // reads must carry the Public document (coordinates rounded), exactly as the general path and the single read do.
        var publicPartner = await world.NewPartnerAsync("Public");
        var publicPlain = await WalkAsync(publicPartner.Client, "/api/v1/partner/claims?limit=2");
        var publicFiltered = await WalkAsync(publicPartner.Client, "/api/v1/partner/claims?limit=2&updatedSince=2000-01-01T00:00:00Z");
        Assert.Equal(publicFiltered, publicPlain);
        Assert.NotEqual(partnerPlain, publicPlain);
        foreach (var page in publicPlain)
        {
            foreach (var item in JsonDocument.Parse(page).RootElement.GetProperty("items").EnumerateArray())
            {
                var latitude = item.GetProperty("incident").GetProperty("location").GetProperty("latitude").GetDouble();
                Assert.Equal(Math.Round(latitude, 1, MidpointRounding.AwayFromZero), latitude);
                var one = await publicPartner.Client.GetAsync($"/api/v1/partner/claims/{item.GetProperty("id").GetGuid()}");
                await Expect.Status(one, HttpStatusCode.OK);
                Assert.Equal(item.GetRawText(), await one.Content.ReadAsStringAsync());
            }
        }
    }

    /// <summary>Every page of a list, following nextCursor: each page's raw body.</summary>
    private static async Task<List<string>> WalkAsync(HttpClient client, string first)
    {
        var pages = new List<string>();
        string? cursor = null;
        do
        {
            var response = await client.GetAsync(cursor is null ? first : $"{first}&cursor={Uri.EscapeDataString(cursor)}");
            await Expect.Status(response, HttpStatusCode.OK);
            var text = await response.Content.ReadAsStringAsync();
            pages.Add(text);
            var next = JsonDocument.Parse(text).RootElement.GetProperty("nextCursor");
            cursor = next.ValueKind == JsonValueKind.Null ? null : next.GetString();
        }
        while (cursor is not null && pages.Count < 50);
        return pages;
    }

    private static HttpRequestMessage Conditional(string url, string tag)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("If-None-Match", tag);
        return request;
    }
}
