using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Verification.Api.Tests.Infrastructure;
using Verification.Api.Tests.Partners;
using Verification.Persistence;

namespace Verification.Api.Tests.Search;

/// <summary>
/// q and bbox on the partner list and export. The rule under test: a partner never finds a claim by something it cannot
/// read in the answer. Evidence titles and descriptions, testimony text and witnesses are not in the partner shapes, so
/// they never match a partner's q (staff find the same claim by them); and bbox tests the coordinates as the partner
/// receives them, rounded to one decimal for a Public partner.
/// </summary>
public sealed class PartnerSearchTests
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_partner_finds_by_what_it_sees_and_never_by_evidence_testimony_or_witness(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        var restricted = await world.NewPartnerAsync("Restricted");
        var publicPartner = await world.NewPartnerAsync("Public");
        string[] words = [.. Enumerable.Range(0, 8).Select(_ => SearchTests.Marker())];

        var claim = Kidal.Claim();
        claim["title"] = $"Strike on the market of Ségou {words[0]}";
        claim["sources"] = new JsonArray(new JsonObject { ["type"] = "NgoReport", ["description"] = $"Report {words[1]}" });
        claim["perpetrators"] = new JsonArray(new JsonObject { ["name"] = $"Brigade {words[2]}", ["type"] = "NonStateArmedGroup" });
        claim["incident"]!["location"]!["latitude"] = 10.04;
        claim["incident"]!["location"]!["longitude"] = 20.04;
        var (id, _, etag) = await world.InCorroborationAsync(claim);
        foreach (var metadata in new object[]
        {
            new { kind = "Link", url = "https://example.org/a", title = $"Footage {words[3]}", description = $"Roof {words[4]}", origin = "Resident", stance = "Supports" },
            new
            {
                kind = "Testimony", origin = "Neighbour", stance = "Supports",
                testimony = new { text = $"I saw it {words[5]}", witness = new { name = $"Aminata {words[6]}", contact = $"+223 {words[7]}" } },
            },
        })
        {
            var added = await world.Investigator.Client.PostAsJsonAsync($"/api/v1/claims/{id}/evidence", metadata);
            await Expect.Status(added, HttpStatusCode.Created);
            var evidenceId = (await added.Json()).GetProperty("id").GetGuid();
            await Expect.Status(await world.Reviewer.Client.PostAsJsonAsync($"/api/v1/evidence/{evidenceId}/review",
                new { decision = "Accept", sourceReliability = "B", informationCredibility = 2 }), HttpStatusCode.OK);
        }
        await world.DecideAsync(id, await world.Reviewer.Client.ETagOf(id), "Fair");
        var other = await world.DecidedAsync();

        foreach (var partner in new[] { restricted, publicPartner })
        {
            // What the partner sees: title (accents folded), source description, perpetrator.
            Assert.Equal([id], await Ids(partner.Client, $"/api/v1/partner/claims?q={Esc($"segou {words[0]}")}"));
            Assert.Equal([id], await Ids(partner.Client, $"/api/v1/partner/claims?q={Esc($"SÉGOU {words[1]}")}"));
            Assert.Equal([id], await Ids(partner.Client, $"/api/v1/partner/claims?q={words[2]}"));
            // What it does not see: evidence title and description, testimony text, the witness's name and contact.
            for (var i = 3; i < 8; i++)
                Assert.Empty(await Ids(partner.Client, $"/api/v1/partner/claims?q={words[i]}"));
            Assert.Empty(await Ids(partner.Client, $"/api/v1/partner/claims?q={Esc($"segou {words[5]}")}"));
            Assert.Equal([id], await ExportIds(partner.Client, $"q={words[0]}"));
            Assert.Empty(await ExportIds(partner.Client, $"q={words[5]}"));
        }
        // Staff find the claim by its evidence and testimony, never by its witness.
        var staff = world.Reviewer.Client;
        Assert.Equal([id], await SearchTests.Ids(staff, SearchTests.Url(words[3])));
        Assert.Equal([id], await SearchTests.Ids(staff, SearchTests.Url(words[5])));
        Assert.Empty(await SearchTests.Ids(staff, SearchTests.Url(words[6])));

        // bbox: edges inclusive; a Restricted partner's box tests the recorded position (10.04, 20.04), a Public
        // partner's the position it is shown (10.0, 20.0).
        var tight = "20.04,10.04,20.06,10.06";
        var rounded = "19.9,9.9,20.0,10.0";
        Assert.Contains(id, await Ids(restricted.Client, $"/api/v1/partner/claims?limit=200&bbox={tight}"));
        Assert.DoesNotContain(id, await Ids(publicPartner.Client, $"/api/v1/partner/claims?limit=200&bbox={tight}"));
        Assert.DoesNotContain(id, await Ids(restricted.Client, $"/api/v1/partner/claims?limit=200&bbox={rounded}"));
        Assert.Contains(id, await Ids(publicPartner.Client, $"/api/v1/partner/claims?limit=200&bbox={rounded}"));
        Assert.DoesNotContain(other, await Ids(restricted.Client, $"/api/v1/partner/claims?limit=200&bbox={tight}"));
        Assert.Equal([id], await ExportIds(restricted.Client, $"bbox={tight}&q={words[0]}"));
        Assert.Empty(await ExportIds(publicPartner.Client, $"bbox={tight}"));
        Assert.Equal([id], await ExportIds(publicPartner.Client, $"bbox={rounded}"));

        // Refusals, as problem details.
        await Expect.ValidationProblem(await restricted.Client.GetAsync("/api/v1/partner/claims?bbox=1,2,3"), "bbox");
        await Expect.ValidationProblem(await restricted.Client.GetAsync("/api/v1/partner/claims?bbox=10,0,5,1"), "bbox");
        await Expect.ValidationProblem(await restricted.Client.GetAsync($"/api/v1/partner/claims?q={new string('x', 201)}"), "q");
        await Expect.ValidationProblem(await restricted.Client.GetAsync("/api/v1/partner/exports/claims?bbox=0,95,1,96"), "bbox");
    }

    private static string Esc(string text) => Uri.EscapeDataString(text);

    private static async Task<List<Guid>> Ids(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        await Expect.Status(response, HttpStatusCode.OK);
        return [.. (await response.Json()).GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid())];
    }

    private static async Task<List<Guid>> ExportIds(HttpClient client, string filters)
    {
        var response = await client.GetAsync($"/api/v1/partner/exports/claims?format=ndjson&{filters}");
        await Expect.Status(response, HttpStatusCode.OK);
        var body = await response.Content.ReadAsStringAsync();
        return [.. body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!["id"]!.GetValue<Guid>())];
    }
}
