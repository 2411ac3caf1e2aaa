using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.DailyWork;

/// <summary>PATCH /api/v1/claims/{id}: a JSON merge patch, checked by the rules of submission, with each change in the history.</summary>
public sealed class EditClaimTests(ProvidersFixture fixture) : IClassFixture<ProvidersFixture>
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task The_submitter_corrects_a_claim_and_the_history_shows_each_changed_field_old_and_new(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();

        var response = await investigator.Client.PatchClaimAsync(id, new JsonObject
        {
            ["title"] = "Drone strikes on the former MINUSMA camp, Kidal",
            ["incident"] = new JsonObject { ["location"] = new JsonObject { ["admin2"] = "Kidal cercle", ["admin1"] = null } },
            ["harm"] = new JsonObject { ["killedMax"] = 12 },
        }, etag);
        await Expect.Status(response, HttpStatusCode.OK);
        var edited = await response.Json();
        Assert.Equal("Drone strikes on the former MINUSMA camp, Kidal", edited.GetProperty("title").GetString());
        Assert.Equal("Kidal cercle", edited.GetProperty("incident").GetProperty("location").GetProperty("admin2").GetString());
        Assert.Equal(JsonValueKind.Null, edited.GetProperty("incident").GetProperty("location").GetProperty("admin1").ValueKind);
        Assert.Equal(12, edited.GetProperty("harm").GetProperty("killedMax").GetInt32());
        Assert.Equal(0, edited.GetProperty("harm").GetProperty("killedMin").GetInt32());
        // Untouched fields stay as they were.
        Assert.Equal(claim.GetProperty("summary").GetString(), edited.GetProperty("summary").GetString());
        Assert.Equal(2, edited.GetProperty("perpetrators").GetArrayLength());
        Assert.Equal(claim.GetProperty("version").GetInt64() + 1, edited.GetProperty("version").GetInt64());
        Assert.NotEqual(etag, response.Headers.ETag!.Tag);

        var history = await (await investigator.Client.GetAsync($"/api/v1/claims/{id}/history")).Json();
        var edit = Assert.Single(history.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "Edited");
        Assert.Equal(investigator.Id, edit.GetProperty("actor").GetGuid());
        var changes = edit.GetProperty("details").EnumerateArray().ToDictionary(c => c.GetProperty("field").GetString()!);
        Assert.Equal(["harm.killedMax", "incident.location.admin1", "incident.location.admin2", "title"], changes.Keys.Order());
        Assert.Equal("Drone strikes on the former MINUSMA camp in Kidal", changes["title"].GetProperty("from").GetString());
        Assert.Equal("Drone strikes on the former MINUSMA camp, Kidal", changes["title"].GetProperty("to").GetString());
        Assert.Equal("Kidal", changes["incident.location.admin1"].GetProperty("from").GetString());
        Assert.Equal(JsonValueKind.Null, changes["incident.location.admin1"].GetProperty("to").ValueKind);
        Assert.Equal(JsonValueKind.Null, changes["harm.killedMax"].GetProperty("from").ValueKind);
        Assert.Equal(12, changes["harm.killedMax"].GetProperty("to").GetInt32());

        // One audit entry names the edit and the claim.
        var coordinator = await api.CoordinatorAsync();
        var audit = await (await coordinator.GetAsync($"/api/v1/audit?entityId={id}")).Json();
        Assert.Single(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "EditClaim");
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_stale_If_Match_is_412_a_missing_one_428_and_the_claim_stays_as_it_was(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var reviewer = await api.NewPersonAsync("Reviewer");
        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();
        var first = await reviewer.Client.PatchClaimAsync(id, new JsonObject { ["summary"] = "The reviewer's correction." }, etag);
        await Expect.Status(first, HttpStatusCode.OK);

        var stale = await investigator.Client.PatchClaimAsync(id, new JsonObject { ["summary"] = "An edit made on an old copy." }, etag);
        var problem = await Expect.Problem(stale, HttpStatusCode.PreconditionFailed);
        await Expect.Problem(await investigator.Client.PatchClaimAsync(id, new JsonObject { ["summary"] = "No If-Match." }, null),
            HttpStatusCode.PreconditionRequired);

        var now = await (await investigator.Client.GetAsync($"/api/v1/claims/{id}")).Json();
        Assert.Equal("The reviewer's correction.", now.GetProperty("summary").GetString());
        Assert.NotNull(problem.GetProperty("detail").GetString());
    }

    public static TheoryData<DatabaseProvider, string, string> InvalidPatches()
    {
        var data = new TheoryData<DatabaseProvider, string, string>();
        foreach (var provider in new[] { DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql })
        {
            data.Add(provider, """{"title":""}""", "title");
            data.Add(provider, """{"title":null}""", "title");
            data.Add(provider, """{"sources":[]}""", "sources");
            data.Add(provider, """{"violationTypes":["Nonsense"]}""", "violationTypes[0]");
            data.Add(provider, """{"incident":{"location":{"latitude":200}}}""", "incident.location.latitude");
            data.Add(provider, """{"incident":{"location":{"longitude":null}}}""", "incident.location.latitude");
            data.Add(provider, """{"incident":{"endDate":"2024-01-01"}}""", "incident.endDate");
            data.Add(provider, """{"harm":{"civiliansKilledMin":5,"killedMax":3}}""", "harm.civiliansKilledMin");
            data.Add(provider, """{"title":5}""", "title");
            data.Add(provider, """{"externalId":"ucdp-ged:1"}""", "externalId");
            data.Add(provider, """["title"]""", "patch");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(InvalidPatches))]
    public async Task A_patch_that_would_make_the_claim_invalid_is_400_naming_the_field_and_changes_nothing(DatabaseProvider provider, string patch, string field)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();

        await Expect.ValidationProblem(await investigator.Client.PatchClaimAsync(id, patch, etag), field);

        Assert.Equal(etag, await investigator.Client.ETagOf(id));
        var history = await (await investigator.Client.GetAsync($"/api/v1/claims/{id}/history")).Json();
        Assert.DoesNotContain(history.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "Edited");
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Who_may_edit_the_submitter_an_assigned_investigator_a_reviewer_a_coordinator_and_nobody_else(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var author = await api.NewPersonAsync("Investigator");
        var colleague = await api.NewPersonAsync("Investigator");
        var stranger = await api.NewPersonAsync("Investigator");
        var reviewer = await api.NewPersonAsync("Reviewer");
        var coordinator = await api.CoordinatorAsync();
        var (claim, etag) = await author.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();

        await Expect.Problem(await stranger.Client.PatchClaimAsync(id, new JsonObject { ["title"] = "Not mine" }, etag), HttpStatusCode.NotFound);
        var assigned = await coordinator.PostWithIfMatch($"/api/v1/claims/{id}/assignments", new { userId = colleague.Id }, etag);
        await Expect.Status(assigned, HttpStatusCode.OK);
        etag = assigned.Headers.ETag!.Tag;
        foreach (var (editor, title) in new[] { (colleague.Client, "By the colleague"), (reviewer.Client, "By the reviewer"), (coordinator, "By the coordinator"), (author.Client, "By the author") })
        {
            var response = await editor.PatchClaimAsync(id, new JsonObject { ["title"] = title }, etag);
            await Expect.Status(response, HttpStatusCode.OK);
            Assert.Equal(title, (await response.Json()).GetProperty("title").GetString());
            etag = response.Headers.ETag!.Tag;
        }

        // The media type is the merge patch's own.
        var plain = await author.Client.SendWithIfMatch(HttpMethod.Patch, $"/api/v1/claims/{id}", new { title = "As application/json" }, etag);
        await Expect.Problem(plain, HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_claim_is_edited_only_while_Submitted_or_InCorroboration(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var reviewer = await api.NewPersonAsync("Reviewer");
        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();
        var accepted = await reviewer.Client.PostWithIfMatch($"/api/v1/claims/{id}/triage", new { decision = "Accept" }, etag);
        var inCorroboration = await reviewer.Client.PatchClaimAsync(id, new JsonObject { ["summary"] = "Corrected while in corroboration." }, accepted.Headers.ETag!.Tag);
        await Expect.Status(inCorroboration, HttpStatusCode.OK);
        var proposed = await reviewer.Client.PostWithIfMatch($"/api/v1/claims/{id}/verdict-proposals",
            new { rating = "Weak", rationale = "A single report." }, inCorroboration.Headers.ETag!.Tag);
        await Expect.Status(proposed, HttpStatusCode.Created);

        var refused = await reviewer.Client.PatchClaimAsync(id, new JsonObject { ["summary"] = "Too late." }, await reviewer.Client.ETagOf(id));
        var problem = await Expect.Problem(refused, HttpStatusCode.Conflict);
        Assert.Contains("Submitted or InCorroboration", problem.GetProperty("detail").GetString());

        var (other, otherEtag) = await investigator.Client.SubmitClaimAsync();
        var rejected = await reviewer.Client.PostWithIfMatch($"/api/v1/claims/{other.GetProperty("id")}/triage", new { decision = "Reject", reason = "Out of scope" }, otherEtag);
        await Expect.Problem(await investigator.Client.PatchClaimAsync(other.GetProperty("id").GetGuid(), new JsonObject { ["title"] = "x" }, rejected.Headers.ETag!.Tag),
            HttpStatusCode.Conflict);
    }
}

public static class MergePatch
{
    public static Task<HttpResponseMessage> PatchClaimAsync(this HttpClient client, Guid id, JsonNode patch, string? etag) =>
        client.PatchClaimAsync(id, patch.ToJsonString(), etag);

    public static async Task<HttpResponseMessage> PatchClaimAsync(this HttpClient client, Guid id, string patch, string? etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/claims/{id}")
        {
            Content = new StringContent(patch, Encoding.UTF8, "application/merge-patch+json"),
        };
        if (etag is not null)
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        return await client.SendAsync(request);
    }
}
