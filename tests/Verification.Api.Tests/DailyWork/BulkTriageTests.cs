using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.DailyWork;

/// <summary>POST /api/v1/claims/triage: one decision for many claims, each its own transaction, audit entry and result.</summary>
public sealed class BulkTriageTests(ProvidersFixture fixture) : IClassFixture<ProvidersFixture>
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Each_claim_gets_its_own_result_and_one_bad_claim_never_blocks_the_rest(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var reviewer = await api.NewPersonAsync("Reviewer");
        var (fresh, freshTag) = await investigator.Client.SubmitClaimAsync();
        var (second, secondTag) = await investigator.Client.SubmitClaimAsync();
        var (edited, editedTag) = await investigator.Client.SubmitClaimAsync();
        var (triaged, triagedTag) = await investigator.Client.SubmitClaimAsync();
        await Expect.Status(await investigator.Client.PatchClaimAsync(Id(edited), """{"summary":"Changed after the reviewer read it."}""", editedTag), HttpStatusCode.OK);
        var already = await reviewer.Client.PostWithIfMatch($"/api/v1/claims/{Id(triaged)}/triage", new { decision = "Accept" }, triagedTag);
        await Expect.Status(already, HttpStatusCode.OK);
        var unknown = Guid.CreateVersion7();

        var response = await reviewer.Client.PostAsJsonAsync("/api/v1/claims/triage", new
        {
            decision = "Accept",
            reason = "In scope: attacks on civilians in Mali.",
            items = new object[]
            {
                new { id = Id(fresh), version = Version(freshTag) },
                new { id = unknown, version = 1 },
                new { id = Id(edited), version = Version(editedTag) },
                new { id = Id(triaged), version = Version(already.Headers.ETag!.Tag) },
                new { id = Id(second), version = Version(secondTag) },
            },
        });
        await Expect.Status(response, HttpStatusCode.OK);
        var results = (await response.Json()).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([Id(fresh), unknown, Id(edited), Id(triaged), Id(second)], results.Select(r => r.GetProperty("id").GetGuid()));
        Assert.Equal([200, 404, 412, 409, 200], results.Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal(Version(freshTag) + 1, results[0].GetProperty("version").GetInt64());
        Assert.Equal(Version(editedTag) + 1, results[2].GetProperty("version").GetInt64()); // the current version, to read again
        Assert.Equal(JsonValueKind.Null, results[1].GetProperty("version").ValueKind);
        Assert.False(string.IsNullOrEmpty(results[3].GetProperty("detail").GetString()));

        Assert.Equal("InCorroboration", await StatusOf(reviewer.Client, Id(fresh)));
        Assert.Equal("InCorroboration", await StatusOf(reviewer.Client, Id(second)));
        Assert.Equal("Submitted", await StatusOf(reviewer.Client, Id(edited)));

        // Each moved claim has an audit entry of its own, as a single triage would.
        var coordinator = await api.CoordinatorAsync();
        foreach (var (id, count) in new[] { (Id(fresh), 1), (Id(second), 1), (Id(edited), 0) })
        {
            var audit = await (await coordinator.GetAsync($"/api/v1/audit?entityId={id}")).Json();
            Assert.Equal(count, audit.GetProperty("items").EnumerateArray().Count(e => e.GetProperty("action").GetString() == "TriageClaim"));
        }
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_501st_item_is_400_and_nothing_moves(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var reviewer = await api.NewPersonAsync("Reviewer");
        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        var items = new List<object> { new { id = Id(claim), version = Version(etag) } };
        items.AddRange(Enumerable.Range(0, 500).Select(_ => new { id = Guid.CreateVersion7(), version = 1L }));

        await Expect.ValidationProblem(await reviewer.Client.PostAsJsonAsync("/api/v1/claims/triage", new { decision = "Accept", items }), "items");
        Assert.Equal("Submitted", await StatusOf(reviewer.Client, Id(claim)));

        // 500 is allowed: the claim moves, the 499 unknown ids are each 404.
        items.RemoveAt(items.Count - 1);
        var ok = await reviewer.Client.PostAsJsonAsync("/api/v1/claims/triage", new { decision = "Accept", items });
        await Expect.Status(ok, HttpStatusCode.OK);
        var statuses = (await ok.Json()).GetProperty("results").EnumerateArray().Select(r => r.GetProperty("status").GetInt32()).ToList();
        Assert.Equal(500, statuses.Count);
        Assert.Equal(200, statuses[0]);
        Assert.All(statuses.Skip(1), s => Assert.Equal(404, s));
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Bulk_rejection_needs_a_reason_items_need_versions_and_investigators_may_not(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var coordinator = await api.CoordinatorAsync();
        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        var item = new { id = Id(claim), version = Version(etag) };

        await Expect.ValidationProblem(await coordinator.PostAsJsonAsync("/api/v1/claims/triage", new { decision = "Reject", items = new[] { item } }), "reason");
        await Expect.ValidationProblem(await coordinator.PostAsJsonAsync("/api/v1/claims/triage", new { decision = "Accept", items = Array.Empty<object>() }), "items");
        await Expect.ValidationProblem(await coordinator.PostAsJsonAsync("/api/v1/claims/triage", new { decision = "Accept", items = new[] { new { id = Id(claim) } } }), "items[0].version");
        await Expect.ValidationProblem(await coordinator.PostAsJsonAsync("/api/v1/claims/triage", new { decision = "Accept", items = new[] { item, item } }), "items");
        await Expect.Problem(await investigator.Client.PostAsJsonAsync("/api/v1/claims/triage", new { decision = "Accept", items = new[] { item } }), HttpStatusCode.Forbidden);

        var rejected = await coordinator.PostAsJsonAsync("/api/v1/claims/triage", new { decision = "Reject", reason = "Outside the mandate.", items = new[] { item } });
        await Expect.Status(rejected, HttpStatusCode.OK);
        Assert.Equal(200, (await rejected.Json()).GetProperty("results")[0].GetProperty("status").GetInt32());
        var now = await (await coordinator.GetAsync($"/api/v1/claims/{Id(claim)}")).Json();
        Assert.Equal("Rejected", now.GetProperty("status").GetString());
        Assert.Equal("Outside the mandate.", now.GetProperty("stageReason").GetString());
    }

    private static Guid Id(JsonElement claim) => claim.GetProperty("id").GetGuid();

    private static long Version(string etag) => long.Parse(etag.Trim('"', 'W', '/'), System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<string?> StatusOf(HttpClient client, Guid id) =>
        (await (await client.GetAsync($"/api/v1/claims/{id}")).Json()).GetProperty("status").GetString();
}
