using System.Net;
using System.Text.Json;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Partners;

public sealed class PartnerClaimTests
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Partner_reads_show_only_decided_claims_and_nothing_protected(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        var partner = await world.NewPartnerAsync();
        var decided = await world.FullyEvidencedAsync();
        var (submitted, _) = await world.Investigator.Client.SubmitClaimAsync();
        var (inCorroboration, inCorroborationReference, _) = await world.InCorroborationAsync();
        var undecided = new[] { submitted.GetProperty("id").GetGuid(), inCorroboration };
        var hidden = undecided.Select(u => u.ToString()).Append(submitted.GetProperty("reference").GetString()!).Append(inCorroborationReference).ToArray();

        var listResponse = await partner.Client.GetAsync("/api/v1/partner/claims");
        await Expect.Status(listResponse, HttpStatusCode.OK);
        var listText = await listResponse.Content.ReadAsStringAsync();
        var list = JsonDocument.Parse(listText).RootElement;
        PartnerShape.AssertOnlyAllowed(list, "items[]", "items", "nextCursor");
        PartnerShape.AssertNoSecrets(listText, decided, hidden);
        var item = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(decided.Id, item.GetProperty("id").GetGuid());
        Assert.Equal("Fair", item.GetProperty("verdict").GetProperty("rating").GetString());
        Assert.Equal(5, item.GetProperty("harm").GetProperty("killedMax").GetInt32());
        Assert.Equal(decided.AcceptedEvidence.Order(), item.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()).Order());
        Assert.All(item.GetProperty("evidence").EnumerateArray(), e =>
        {
            Assert.Equal("Accepted", e.GetProperty("reviewStatus").GetString());
            Assert.Matches("^[0-9a-f]{64}$", e.GetProperty("sha256").GetString()!);
            Assert.Equal("B", e.GetProperty("sourceReliability").GetString());
            Assert.Equal(2, e.GetProperty("informationCredibility").GetInt32());
        });

        var oneResponse = await partner.Client.GetAsync($"/api/v1/partner/claims/{decided.Id}");
        await Expect.Status(oneResponse, HttpStatusCode.OK);
        var oneText = await oneResponse.Content.ReadAsStringAsync();
        PartnerShape.AssertOnlyAllowed(JsonDocument.Parse(oneText).RootElement, "");
        PartnerShape.AssertNoSecrets(oneText, decided, hidden);
        foreach (var id in undecided)
            await Expect.Problem(await partner.Client.GetAsync($"/api/v1/partner/claims/{id}"), HttpStatusCode.NotFound);
        await Expect.Problem(await partner.Client.GetAsync($"/api/v1/partner/claims/{Guid.NewGuid()}"), HttpStatusCode.NotFound);

        foreach (var format in new[] { "ndjson", "csv", "geojson" })
        {
            var export = await partner.Client.GetAsync($"/api/v1/partner/exports/claims?format={format}");
            await Expect.Status(export, HttpStatusCode.OK);
            var text = await export.Content.ReadAsStringAsync();
            PartnerShape.AssertNoSecrets(text, decided, hidden);
            Assert.Contains(decided.Reference, text);
        }
        var ndjson = await (await partner.Client.GetAsync("/api/v1/partner/exports/claims?format=ndjson")).Content.ReadAsStringAsync();
        foreach (var line in ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            PartnerShape.AssertOnlyAllowed(JsonDocument.Parse(line).RootElement, "");
        var geojson = JsonDocument.Parse(await (await partner.Client.GetAsync("/api/v1/partner/exports/claims?format=geojson")).Content.ReadAsStringAsync()).RootElement;
        PartnerShape.AssertOnlyAllowed(geojson, "features[].properties", "type", "features", "features[].type", "features[].id",
            "features[].geometry", "features[].geometry.type", "features[].geometry.coordinates", "features[].properties");
    }

    [Fact]
    public async Task Public_partners_get_coordinates_rounded_to_one_decimal_and_restricted_partners_as_recorded()
    {
        await using var world = await PartnerWorld.StartAsync(DatabaseProvider.Sqlite);
        var claimId = await world.DecidedAsync(); // Kidal: 18.4411, 1.4078
        var westOfGreenwich = Infrastructure.Kidal.Claim();
        westOfGreenwich["incident"]!["location"]!["latitude"] = 12.6392;
        westOfGreenwich["incident"]!["location"]!["longitude"] = -8.0029;
        var bamako = await world.DecidedAsync(westOfGreenwich);
        var newsroom = await world.NewPartnerAsync("Public");
        var unDesk = await world.NewPartnerAsync("Restricted");

        static (double Latitude, double Longitude) Coordinates(JsonElement claim)
        {
            var location = claim.GetProperty("incident").GetProperty("location");
            return (location.GetProperty("latitude").GetDouble(), location.GetProperty("longitude").GetDouble());
        }

        Assert.Equal((18.4, 1.4), Coordinates(await (await newsroom.Client.GetAsync($"/api/v1/partner/claims/{claimId}")).Json()));
        Assert.Equal((12.6, -8.0), Coordinates(await (await newsroom.Client.GetAsync($"/api/v1/partner/claims/{bamako}")).Json()));
        Assert.Equal((18.4411, 1.4078), Coordinates(await (await unDesk.Client.GetAsync($"/api/v1/partner/claims/{claimId}")).Json()));
        Assert.Equal((12.6392, -8.0029), Coordinates(await (await unDesk.Client.GetAsync($"/api/v1/partner/claims/{bamako}")).Json()));

        // Exports follow the same rule: the map a Public partner publishes cannot point closer than about 11 km.
        var geojson = await (await newsroom.Client.GetAsync("/api/v1/partner/exports/claims?format=geojson")).Json();
        var points = geojson.GetProperty("features").EnumerateArray()
            .Select(f => f.GetProperty("geometry").GetProperty("coordinates").EnumerateArray().Select(c => c.GetDouble()).ToArray())
            .ToList();
        Assert.Contains(points, p => p is [1.4, 18.4]);
        Assert.Contains(points, p => p is [-8.0, 12.6]);
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task An_incremental_sync_with_updatedSince_returns_a_reopened_and_decided_again_claim_again(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        var partner = await world.NewPartnerAsync();
        var first = await world.DecidedAsync();
        var second = await world.DecidedAsync();
        var third = await world.DecidedAsync();

        // The first sync, one claim per page: the cursor walks the claims in the order they last changed.
        var seen = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await (await partner.Client.GetAsync($"/api/v1/partner/claims?limit=1{(cursor is null ? "" : "&cursor=" + cursor)}")).Json();
            seen.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        Assert.Equal([first, second, third], seen.Select(c => c.GetProperty("id").GetGuid()));
        var watermark = seen[^1].GetProperty("updatedAt").GetString()!;

        // Nothing changed: the next sync brings back only the claim at the watermark itself (updatedSince is inclusive).
        var unchanged = await (await partner.Client.GetAsync($"/api/v1/partner/claims?updatedSince={Uri.EscapeDataString(watermark)}")).Json();
        Assert.Equal([third], unchanged.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));

        var etag = await world.ReopenAsync(first);
        var whileReopened = await (await partner.Client.GetAsync($"/api/v1/partner/claims?updatedSince={Uri.EscapeDataString(watermark)}")).Json();
        Assert.DoesNotContain(first, whileReopened.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
        await Expect.Problem(await partner.Client.GetAsync($"/api/v1/partner/claims/{first}"), HttpStatusCode.NotFound);

        await world.DecideAsync(first, etag, "Contested");
        var next = await (await partner.Client.GetAsync($"/api/v1/partner/claims?updatedSince={Uri.EscapeDataString(watermark)}")).Json();
        var items = next.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([third, first], items.Select(c => c.GetProperty("id").GetGuid()));
        Assert.Equal("Contested", items[1].GetProperty("verdict").GetProperty("rating").GetString());
        Assert.True(items[1].GetProperty("updatedAt").GetDateTime() > seen[0].GetProperty("updatedAt").GetDateTime());
    }

    [Fact]
    public async Task The_list_filters_by_country_rating_and_violation_type_and_refuses_bad_filters()
    {
        await using var world = await PartnerWorld.StartAsync(DatabaseProvider.Sqlite);
        var partner = await world.NewPartnerAsync();
        var kidal = await world.DecidedAsync(rating: "Weak");
        var burkina = Infrastructure.Kidal.Claim();
        burkina["incident"]!["location"]!["countryCode"] = "BF";
        burkina["incident"]!["location"]!["placeName"] = "Djibo";
        burkina["violationTypes"] = new System.Text.Json.Nodes.JsonArray("ForcedDisplacement");
        var djibo = await world.DecidedAsync(burkina, rating: "Contested");

        async Task<Guid[]> Ids(string query) =>
            [.. (await (await partner.Client.GetAsync($"/api/v1/partner/claims?{query}")).Json()).GetProperty("items").EnumerateArray()
                .Select(c => c.GetProperty("id").GetGuid())];

        Assert.Equal([kidal], await Ids("countryCode=ML"));
        Assert.Equal([djibo], await Ids("countryCode=bf"));
        Assert.Equal([djibo], await Ids("rating=Contested"));
        Assert.Equal([kidal], await Ids("violationType=AttackCivilianHarm"));
        Assert.Empty(await Ids("countryCode=ML&rating=Contested"));
        await Expect.ValidationProblem(await partner.Client.GetAsync("/api/v1/partner/claims?limit=0"), "limit");
        await Expect.ValidationProblem(await partner.Client.GetAsync("/api/v1/partner/claims?cursor=bm90LWEtY3Vyc29y"), "cursor");
        await Expect.ValidationProblem(await partner.Client.GetAsync("/api/v1/partner/claims?countryCode=MLI"), "countryCode");
    }
}
