using System.Net;
using System.Text.Json.Nodes;
using Verification.Api.Infrastructure.Jobs;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Operations;

public sealed class DuplicateFlaggingTests
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Likely_duplicates_are_flagged_for_triage_without_changing_any_stage(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var (a, aTag) = await investigator.Client.SubmitClaimAsync();
        // The same place name written differently, one perpetrator in common, no coordinates.
        var b = await Submit(investigator, x => { Place(x)["placeName"] = " KIDAL "; Place(x).Remove("latitude"); Place(x).Remove("longitude"); Perpetrators(x, "wagner group"); });
        // Another place name, 6 km away, dates overlapping by one day.
        var c = await Submit(investigator, x => { Place(x)["placeName"] = "Kidal airfield"; Place(x)["latitude"] = 18.43; Place(x)["longitude"] = 1.35; Dates(x, "2024-03-28", "2024-03-29"); Perpetrators(x, "Malian Armed Forces (FAMa)"); });
        // Alike but for one thing each: no perpetrator in common, later dates, another country, 170 km away.
        var noCommonPerpetrator = await Submit(investigator, x => Perpetrators(x, "CSP"));
        var later = await Submit(investigator, x => Dates(x, "2024-05-01", "2024-05-02"));
        var otherCountry = await Submit(investigator, x => Place(x)["countryCode"] = "NE");
        var farAway = await Submit(investigator, x => { Place(x)["placeName"] = "Anefis"; Place(x)["latitude"] = 17.96; Place(x)["longitude"] = 0.0; });
        // A withdrawn claim is closed: it is no candidate.
        var (withdrawn, withdrawnTag) = await investigator.Client.SubmitClaimAsync();
        await Expect.Status(await investigator.Client.PostWithIfMatch($"/api/v1/claims/{Id(withdrawn)}/withdraw", new { reason = "Filed twice" }, withdrawnTag), HttpStatusCode.OK);

        api.Trigger(RecurringJobs.FlagPossibleDuplicatesId);
        var reviewer = await api.NewPersonAsync("Reviewer");
        var flagged = await Eventually.Until(() => Duplicates(reviewer.Client, Id(a)), d => d.Count >= 2, "claim A to be flagged", diagnose: api.JobsReport);

        Assert.Equal(new[] { b, c }.Order(), flagged.Order());
        Assert.Equal([Id(a)], await Duplicates(reviewer.Client, b));
        Assert.Equal([Id(a)], await Duplicates(reviewer.Client, c));
        foreach (var alone in new[] { noCommonPerpetrator, later, otherCountry, farAway })
            Assert.Empty(await Duplicates(reviewer.Client, alone));

        var reasons = (await (await reviewer.Client.GetAsync($"/api/v1/claims/{Id(a)}/possible-duplicates")).Json()).EnumerateArray()
            .Single(d => d.GetProperty("claimId").GetGuid() == c).GetProperty("reasons").GetString();
        Assert.Contains("km apart", reasons);
        Assert.Contains("Malian Armed Forces (FAMa)", reasons);

        // A flag is a hint for the reviewer: the claim stays Submitted, at the same version.
        var claimNow = await reviewer.Client.GetAsync($"/api/v1/claims/{Id(a)}");
        Assert.Equal("Submitted", (await claimNow.Json()).GetProperty("status").GetString());
        Assert.Equal(aTag, claimNow.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.Forbidden, (await investigator.Client.GetAsync($"/api/v1/claims/{Id(a)}/possible-duplicates")).StatusCode);
    }

    private static Guid Id(System.Text.Json.JsonElement claim) => claim.GetProperty("id").GetGuid();

    private static async Task<Guid> Submit(Person investigator, Action<JsonObject> change)
    {
        var claim = Kidal.Claim();
        claim["title"] = "Another report of the Kidal strike";
        change(claim);
        var (body, _) = await investigator.Client.SubmitClaimAsync(claim);
        return Id(body);
    }

    private static JsonObject Place(JsonObject claim) => claim["incident"]!["location"]!.AsObject();

    private static void Dates(JsonObject claim, string start, string end)
    {
        claim["incident"]!["startDate"] = start;
        claim["incident"]!["endDate"] = end;
    }

    private static void Perpetrators(JsonObject claim, string name) =>
        claim["perpetrators"] = new JsonArray(new JsonObject { ["name"] = name, ["type"] = "StateForce" });

    private static async Task<List<Guid>> Duplicates(HttpClient client, Guid claimId)
    {
        var response = await client.GetAsync($"/api/v1/claims/{claimId}/possible-duplicates");
        await Expect.Status(response, HttpStatusCode.OK);
        return (await response.Json()).EnumerateArray().Select(d => d.GetProperty("claimId").GetGuid()).ToList();
    }
}
