using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Tests.Infrastructure;

namespace Verification.Api.Tests.Claims;

/// <summary>Every refusal of the claims workflow, from the outside: the status and a problem document.</summary>
public sealed class ClaimRefusalTests(SqliteApiFixture fixture) : IClassFixture<SqliteApiFixture>
{
    private TestApi Api => fixture.Api;

    [Fact]
    public async Task Anonymous_callers_get_401_with_a_problem_document()
    {
        await Expect.Problem(await Api.Anonymous.GetAsync("/api/v1/claims"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_reviewer_cannot_submit_a_claim()
    {
        var reviewer = await Api.NewPersonAsync("Reviewer");
        await Expect.Problem(await reviewer.Client.PostAsJsonAsync("/api/v1/claims", Kidal.Claim()), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_investigator_cannot_triage()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        var response = await investigator.Client.PostWithIfMatch($"/api/v1/claims/{claim.GetProperty("id")}/triage", new { decision = "Accept" }, etag);
        await Expect.Problem(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_investigator_cannot_see_another_investigators_claim_and_it_looks_absent()
    {
        var author = await Api.NewPersonAsync("Investigator");
        var other = await Api.NewPersonAsync("Investigator");
        var (claim, etag) = await author.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();

        await Expect.Problem(await other.Client.GetAsync($"/api/v1/claims/{id}"), HttpStatusCode.NotFound);
        await Expect.Problem(await other.Client.GetAsync($"/api/v1/claims/{id}/history"), HttpStatusCode.NotFound);
        await Expect.Problem(await other.Client.PostWithIfMatch($"/api/v1/claims/{id}/withdraw", new { reason = "x" }, etag), HttpStatusCode.NotFound);
        await Expect.Problem(await other.Client.PostAsJsonAsync($"/api/v1/claims/{id}/evidence",
            new { kind = "Link", url = "https://example.org/x", stance = "Supports" }), HttpStatusCode.NotFound);
        var list = await (await other.Client.GetAsync("/api/v1/claims?limit=200")).Json();
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task An_assigned_investigator_sees_the_claim_but_cannot_withdraw_it()
    {
        var author = await Api.NewPersonAsync("Investigator");
        var colleague = await Api.NewPersonAsync("Investigator");
        var coordinator = await Api.CoordinatorAsync();
        var (claim, etag) = await author.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();

        var assigned = await coordinator.PostWithIfMatch($"/api/v1/claims/{id}/assignments", new { userId = colleague.Id }, etag);
        await Expect.Status(assigned, HttpStatusCode.OK);
        var seen = await colleague.Client.GetAsync($"/api/v1/claims/{id}");
        await Expect.Status(seen, HttpStatusCode.OK);
        var withdraw = await colleague.Client.PostWithIfMatch($"/api/v1/claims/{id}/withdraw", new { reason = "not mine" }, seen.Headers.ETag!.Tag);
        await Expect.Problem(withdraw, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_stage_change_without_If_Match_is_428_and_with_a_stale_one_412()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var reviewer = await Api.NewPersonAsync("Reviewer");
        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();

        await Expect.Problem(await reviewer.Client.PostWithIfMatch($"/api/v1/claims/{id}/triage", new { decision = "Accept" }, null),
            HttpStatusCode.PreconditionRequired);
        await Expect.Problem(await reviewer.Client.PostWithIfMatch($"/api/v1/claims/{id}/triage", new { decision = "Accept" }, "\"999\""),
            HttpStatusCode.PreconditionFailed);
        var ok = await reviewer.Client.PostWithIfMatch($"/api/v1/claims/{id}/triage", new { decision = "Accept" }, etag);
        await Expect.Status(ok, HttpStatusCode.OK);
        Assert.NotEqual(etag, ok.Headers.ETag!.Tag);
        // The first ETag is stale now.
        await Expect.Problem(await reviewer.Client.PostWithIfMatch($"/api/v1/claims/{id}/triage", new { decision = "Accept" }, etag),
            HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task An_impossible_move_is_409_naming_the_rule()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var reviewer = await Api.NewPersonAsync("Reviewer");
        var coordinator = await Api.CoordinatorAsync();
        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();

        var reopen = await coordinator.PostWithIfMatch($"/api/v1/claims/{id}/reopen", new { reason = "why not" }, etag);
        var problem = await Expect.Problem(reopen, HttpStatusCode.Conflict);
        Assert.Contains("only a decided claim is reopened", problem.GetProperty("detail").GetString());

        var propose = await reviewer.Client.PostWithIfMatch($"/api/v1/claims/{id}/verdict-proposals", new { rating = "Weak", rationale = "r" }, etag);
        await Expect.Problem(propose, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_fair_verdict_without_two_independent_accepted_sources_is_409_saying_what_is_missing()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var reviewer = await Api.NewPersonAsync("Reviewer");
        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();
        var triaged = await reviewer.Client.PostWithIfMatch($"/api/v1/claims/{id}/triage", new { decision = "Accept" }, etag);
        // Two accepted items, but from the same origin: one source, not two.
        foreach (var url in new[] { "https://example.org/a", "https://example.org/b" })
        {
            var item = await (await investigator.Client.PostAsJsonAsync($"/api/v1/claims/{id}/evidence",
                new { kind = "Link", url, origin = "Same outlet", stance = "Supports" })).Json();
            await Expect.Status(await reviewer.Client.PostAsJsonAsync($"/api/v1/evidence/{item.GetProperty("id")}/review",
                new { decision = "Accept", sourceReliability = "C", informationCredibility = 3 }), HttpStatusCode.OK);
        }
        var propose = await reviewer.Client.PostWithIfMatch($"/api/v1/claims/{id}/verdict-proposals",
            new { rating = "Fair", rationale = "r" }, triaged.Headers.ETag!.Tag);
        var problem = await Expect.Problem(propose, HttpStatusCode.Conflict);
        Assert.Contains("different origins; this claim has 1", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_reviewer_cannot_confirm_a_verdict_they_proposed_nor_review_evidence_they_submitted()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var reviewer = await Api.NewPersonAsync("Reviewer");
        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();
        var triaged = await reviewer.Client.PostWithIfMatch($"/api/v1/claims/{id}/triage", new { decision = "Accept" }, etag);
        var proposal = await reviewer.Client.PostWithIfMatch($"/api/v1/claims/{id}/verdict-proposals",
            new { rating = "Weak", rationale = "A single local report." }, triaged.Headers.ETag!.Tag);
        await Expect.Status(proposal, HttpStatusCode.Created);
        var confirm = await reviewer.Client.PostWithIfMatch(
            $"/api/v1/claims/{id}/verdict-proposals/{(await proposal.Json()).GetProperty("id")}/confirm", null, proposal.Headers.ETag!.Tag);
        await Expect.Problem(confirm, HttpStatusCode.Forbidden);

        var other = await investigator.Client.SubmitClaimAsync();
        var ownItem = await (await reviewer.Client.PostAsJsonAsync($"/api/v1/claims/{other.Body.GetProperty("id")}/evidence",
            new { kind = "Link", url = "https://example.org/own", origin = "o", stance = "Supports" })).Json();
        var review = await reviewer.Client.PostAsJsonAsync($"/api/v1/evidence/{ownItem.GetProperty("id")}/review",
            new { decision = "Accept", sourceReliability = "A", informationCredibility = 1 });
        await Expect.Problem(review, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Bad_fields_are_400_with_an_error_per_field_and_nothing_is_written()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var before = await CountClaims();

        var badCountry = Kidal.Claim();
        badCountry["incident"]!["location"]!["countryCode"] = "ZZ";
        await Expect.ValidationProblem(await investigator.Client.PostAsJsonAsync("/api/v1/claims", badCountry), "incident.location.countryCode");

        var future = Kidal.Claim();
        future["incident"]!["endDate"] = DateTime.UtcNow.AddDays(10).ToString("yyyy-MM-dd");
        await Expect.ValidationProblem(await investigator.Client.PostAsJsonAsync("/api/v1/claims", future), "incident.endDate");

        var range = Kidal.Claim();
        range["harm"] = new JsonObject { ["killedMin"] = 10, ["killedMax"] = 2 };
        await Expect.ValidationProblem(await investigator.Client.PostAsJsonAsync("/api/v1/claims", range), "harm.killedMin");

        var children = Kidal.Claim();
        children["harm"] = new JsonObject { ["civiliansKilledMax"] = 3, ["childrenKilledMax"] = 5 };
        await Expect.ValidationProblem(await investigator.Client.PostAsJsonAsync("/api/v1/claims", children), "harm.childrenKilledMax");

        var longTitle = Kidal.Claim();
        longTitle["title"] = new string('x', 301);
        await Expect.ValidationProblem(await investigator.Client.PostAsJsonAsync("/api/v1/claims", longTitle), "title");

        var noSources = Kidal.Claim();
        noSources["sources"] = new JsonArray();
        noSources["violationTypes"] = new JsonArray();
        var problem = await Expect.ValidationProblem(await investigator.Client.PostAsJsonAsync("/api/v1/claims", noSources), "sources");
        Assert.True(problem.GetProperty("errors").TryGetProperty("violationTypes", out _));

        Assert.Equal(before, await CountClaims());
    }

    [Theory]
    [InlineData("{\"title\": ", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("{\"title\": 12, \"violationTypes\": [\"NotAType\"]}", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("{\"title\": \"x\", \"incident\": {\"startDate\": \"yesterday\"}}", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("title=x", "text/plain", HttpStatusCode.UnsupportedMediaType)]
    public async Task Unreadable_bodies_are_problems_never_500s(string body, string contentType, HttpStatusCode expected)
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var before = await CountClaims();
        var response = await investigator.Client.PostAsync("/api/v1/claims", new StringContent(body, Encoding.UTF8, contentType));
        await Expect.Problem(response, expected);
        Assert.Equal(before, await CountClaims());
    }

    [Fact]
    public async Task An_oversized_body_is_413()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var huge = Kidal.Claim();
        huge["summary"] = new string('a', 2 * 1024 * 1024);
        await Expect.Problem(await investigator.Client.PostAsJsonAsync("/api/v1/claims", huge), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task The_same_Idempotency_Key_and_body_returns_the_first_claim_and_a_different_body_is_422()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var before = await CountClaims();
        async Task<HttpResponseMessage> Send(JsonObject body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/claims") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", "kidal-submission-1");
            return await investigator.Client.SendAsync(request);
        }

        var first = await Send(Kidal.Claim());
        await Expect.Status(first, HttpStatusCode.Created);
        var again = await Send(Kidal.Claim());
        await Expect.Status(again, HttpStatusCode.Created);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.Equal(before + 1, await CountClaims());

        var changed = Kidal.Claim();
        changed["title"] = "Something else";
        await Expect.Problem(await Send(changed), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(before + 1, await CountClaims());
    }

    [Fact]
    public async Task A_second_claim_with_the_same_externalId_is_409()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var externalId = $"ucdp-ged:{Guid.NewGuid():N}";
        await investigator.Client.SubmitClaimAsync(Kidal.Claim(externalId));
        await Expect.Problem(await investigator.Client.PostAsJsonAsync("/api/v1/claims", Kidal.Claim(externalId)), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Two_reviewers_confirming_at_the_same_moment_only_one_wins()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var proposer = await Api.NewPersonAsync("Reviewer");
        var first = await Api.NewPersonAsync("Reviewer");
        var second = await Api.NewPersonAsync("Reviewer");
        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();
        var triaged = await proposer.Client.PostWithIfMatch($"/api/v1/claims/{id}/triage", new { decision = "Accept" }, etag);
        var proposal = await proposer.Client.PostWithIfMatch($"/api/v1/claims/{id}/verdict-proposals",
            new { rating = "Weak", rationale = "One source." }, triaged.Headers.ETag!.Tag);
        var url = $"/api/v1/claims/{id}/verdict-proposals/{(await proposal.Json()).GetProperty("id")}/confirm";
        var tag = proposal.Headers.ETag!.Tag;

        var results = await Task.WhenAll(first.Client.PostWithIfMatch(url, null, tag), second.Client.PostWithIfMatch(url, null, tag));
        Assert.Single(results, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Single(results, r => r.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict);
        var history = await (await investigator.Client.GetAsync($"/api/v1/claims/{id}/history")).Json();
        Assert.Single(history.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "VerdictConfirmed");
    }

    private async Task<int> CountClaims()
    {
        await using var db = Api.Factory.CreateDb();
        return await db.Claims.CountAsync();
    }
}
