using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.DailyWork;

/// <summary>The map and queue filters of GET /api/v1/claims: bbox (edges inclusive) and reviewer=me|id.</summary>
public sealed class ClaimFilterTests(ProvidersFixture fixture) : IClassFixture<ProvidersFixture>
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_bbox_holds_the_claims_on_its_edges_and_none_without_coordinates(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        // Each test has its own corner of the map, so claims of other tests never fall in.
        var lon = Math.Round(Random.Shared.NextDouble() * 100 - 50, 3);
        var lat = Math.Round(Random.Shared.NextDouble() * 60 - 30, 3);
        var corner = await SubmitAt(investigator.Client, lat, lon);
        var opposite = await SubmitAt(investigator.Client, lat + 1, lon + 1);
        var inside = await SubmitAt(investigator.Client, lat + 0.5, lon + 0.5);
        var outside = await SubmitAt(investigator.Client, lat + 0.5, lon + 1.0001);
        var nowhere = Kidal.Claim();
        nowhere["incident"]!["location"]!.AsObject().Remove("latitude");
        nowhere["incident"]!["location"]!.AsObject().Remove("longitude");
        await investigator.Client.SubmitClaimAsync(nowhere);

        var bbox = FormattableString.Invariant($"{lon},{lat},{lon + 1},{lat + 1}");
        var found = await Ids(investigator.Client, $"/api/v1/claims?bbox={bbox}&limit=200");
        Assert.Equal(new[] { corner, opposite, inside }.Order(), found.Order());
        Assert.DoesNotContain(outside, found);

        await Expect.ValidationProblem(await investigator.Client.GetAsync("/api/v1/claims?bbox=1,2,3"), "bbox");
        await Expect.ValidationProblem(await investigator.Client.GetAsync("/api/v1/claims?bbox=5,0,4,1"), "bbox");
        await Expect.ValidationProblem(await investigator.Client.GetAsync("/api/v1/claims?bbox=0,-91,1,1"), "bbox");
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Reviewer_me_lists_the_claims_the_caller_reviews(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var reviewer = await api.NewPersonAsync("Reviewer");
        var (mine, etag) = await investigator.Client.SubmitClaimAsync();
        await investigator.Client.SubmitClaimAsync();
        await Expect.Status(await reviewer.Client.SendWithIfMatch(HttpMethod.Put, $"/api/v1/claims/{mine.GetProperty("id")}/reviewer", new { userId = reviewer.Id }, etag),
            HttpStatusCode.OK);

        Assert.Equal([mine.GetProperty("id").GetGuid()], await Ids(reviewer.Client, "/api/v1/claims?reviewer=me"));
        var coordinator = await api.CoordinatorAsync();
        Assert.Equal([mine.GetProperty("id").GetGuid()], await Ids(coordinator, $"/api/v1/claims?reviewer={reviewer.Id}"));
        Assert.Empty(await Ids(coordinator, "/api/v1/claims?reviewer=me"));
        await Expect.ValidationProblem(await coordinator.GetAsync("/api/v1/claims?reviewer=someone"), "reviewer");
    }

    private static async Task<Guid> SubmitAt(HttpClient client, double latitude, double longitude)
    {
        var claim = Kidal.Claim();
        claim["incident"]!["location"]!["latitude"] = latitude;
        claim["incident"]!["location"]!["longitude"] = longitude;
        var (body, _) = await client.SubmitClaimAsync(claim);
        return body.GetProperty("id").GetGuid();
    }

    private static async Task<List<Guid>> Ids(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        await Expect.Status(response, HttpStatusCode.OK);
        return [.. (await response.Json()).GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid())];
    }
}
