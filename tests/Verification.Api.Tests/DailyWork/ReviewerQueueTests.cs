using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.DailyWork;

/// <summary>Who reviews a claim (PUT/DELETE /claims/{id}/reviewer), and GET /me/queue: what each person may act on now.</summary>
public sealed class ReviewerQueueTests(ProvidersFixture fixture) : IClassFixture<ProvidersFixture>
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_reviewer_takes_an_unassigned_claim_and_only_a_coordinator_reassigns_it(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var first = await api.NewPersonAsync("Reviewer");
        var second = await api.NewPersonAsync("Reviewer");
        var coordinator = await api.CoordinatorAsync();
        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();
        Assert.Equal(JsonValueKind.Null, claim.GetProperty("reviewer").ValueKind);
        Assert.Equal(claim.GetProperty("submittedAt").GetDateTime().AddHours(72), claim.GetProperty("dueAt").GetDateTime());

        await Expect.Problem(await first.Client.SendWithIfMatch(HttpMethod.Put, $"/api/v1/claims/{id}/reviewer", new { userId = first.Id }, null), HttpStatusCode.PreconditionRequired);
        await Expect.Problem(await first.Client.SendWithIfMatch(HttpMethod.Put, $"/api/v1/claims/{id}/reviewer", new { userId = second.Id }, etag), HttpStatusCode.Forbidden);
        await Expect.Problem(await investigator.Client.SendWithIfMatch(HttpMethod.Put, $"/api/v1/claims/{id}/reviewer", new { userId = first.Id }, etag), HttpStatusCode.Forbidden);
        var taken = await first.Client.SendWithIfMatch(HttpMethod.Put, $"/api/v1/claims/{id}/reviewer", new { userId = first.Id }, etag);
        await Expect.Status(taken, HttpStatusCode.OK);
        var reviewer = (await taken.Json()).GetProperty("reviewer");
        Assert.Equal(first.Id, reviewer.GetProperty("id").GetGuid());
        Assert.Equal(first.Email, reviewer.GetProperty("email").GetString());
        Assert.True(reviewer.GetProperty("since").GetDateTime() >= claim.GetProperty("submittedAt").GetDateTime());

        // The second reviewer cannot take it over, nor release it; a coordinator can do both.
        var current = taken.Headers.ETag!.Tag;
        await Expect.Problem(await second.Client.SendWithIfMatch(HttpMethod.Put, $"/api/v1/claims/{id}/reviewer", new { userId = second.Id }, current), HttpStatusCode.Conflict);
        await Expect.Problem(await second.Client.SendWithIfMatch(HttpMethod.Delete, $"/api/v1/claims/{id}/reviewer", null, current), HttpStatusCode.Forbidden);
        await Expect.ValidationProblem(await coordinator.SendWithIfMatch(HttpMethod.Put, $"/api/v1/claims/{id}/reviewer", new { userId = investigator.Id }, current), "userId");
        var reassigned = await coordinator.SendWithIfMatch(HttpMethod.Put, $"/api/v1/claims/{id}/reviewer", new { userId = second.Id }, current);
        await Expect.Status(reassigned, HttpStatusCode.OK);
        Assert.Equal(second.Id, (await reassigned.Json()).GetProperty("reviewer").GetProperty("id").GetGuid());
        await Expect.Problem(await second.Client.SendWithIfMatch(HttpMethod.Delete, $"/api/v1/claims/{id}/reviewer", null, current), HttpStatusCode.PreconditionFailed);

        var released = await second.Client.SendWithIfMatch(HttpMethod.Delete, $"/api/v1/claims/{id}/reviewer", null, reassigned.Headers.ETag!.Tag);
        await Expect.Status(released, HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, (await released.Json()).GetProperty("reviewer").ValueKind);
        await Expect.Problem(await coordinator.SendWithIfMatch(HttpMethod.Delete, $"/api/v1/claims/{id}/reviewer", null, released.Headers.ETag!.Tag), HttpStatusCode.Conflict);

        var history = await (await coordinator.GetAsync($"/api/v1/claims/{id}/history")).Json();
        var actions = history.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(2, actions.Count(a => a == "ReviewerAssigned"));
        Assert.Single(actions, a => a == "ReviewerReleased");
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task The_queue_shows_each_person_what_they_may_act_on_and_never_a_reviewers_own_proposal(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var proposer = await api.NewPersonAsync("Reviewer");
        var confirmer = await api.NewPersonAsync("Reviewer");
        var (toTriage, toTriageTag) = await investigator.Client.SubmitClaimAsync();
        var (proposed, proposedTag) = await investigator.Client.SubmitClaimAsync();
        var triaged = await proposer.Client.PostWithIfMatch($"/api/v1/claims/{proposed.GetProperty("id")}/triage", new { decision = "Accept" }, proposedTag);
        await Expect.Status(triaged, HttpStatusCode.OK);
        var link = await (await investigator.Client.PostAsJsonAsync($"/api/v1/claims/{proposed.GetProperty("id")}/evidence",
            new { kind = "Link", url = "https://example.org/queue", origin = "Outlet", stance = "Supports" })).Json();
        var proposal = await proposer.Client.PostWithIfMatch($"/api/v1/claims/{proposed.GetProperty("id")}/verdict-proposals",
            new { rating = "Weak", rationale = "One report." }, await proposer.Client.ETagOf(proposed.GetProperty("id").GetGuid()));
        await Expect.Status(proposal, HttpStatusCode.Created);
        var proposalId = (await proposal.Json()).GetProperty("id").GetGuid();

        var proposerQueue = await QueueAsync(proposer.Client);
        Assert.DoesNotContain(Items(proposerQueue), i => i.GetProperty("action").GetString() == "ConfirmVerdict" && i.GetProperty("proposalId").GetGuid() == proposalId);
        var confirmerQueue = await QueueAsync(confirmer.Client);
        var confirm = Assert.Single(Items(confirmerQueue), i => i.GetProperty("action").GetString() == "ConfirmVerdict" && i.GetProperty("proposalId").GetGuid() == proposalId);
        Assert.Equal(proposed.GetProperty("reference").GetString(), confirm.GetProperty("reference").GetString());
        Assert.False(confirm.GetProperty("overdue").GetBoolean());
        Assert.True(confirm.GetProperty("dueAt").GetDateTime() > DateTime.UtcNow.AddHours(47));
        Assert.Contains(Items(confirmerQueue), i => i.GetProperty("action").GetString() == "Triage" && i.GetProperty("claimId").GetGuid() == toTriage.GetProperty("id").GetGuid());
        Assert.Contains(Items(confirmerQueue), i => i.GetProperty("action").GetString() == "ReviewEvidence" && i.GetProperty("evidenceId").GetGuid() == link.GetProperty("id").GetGuid());
        Assert.True(confirmerQueue.GetProperty("counts").GetProperty("verdictsToConfirm").GetInt32() >= 1);
        Assert.Equal(0, confirmerQueue.GetProperty("counts").GetProperty("awaitingEvidence").GetInt32());

        // A claim the proposer took is out of the other reviewer's triage list.
        var taken = await proposer.Client.SendWithIfMatch(HttpMethod.Put, $"/api/v1/claims/{toTriage.GetProperty("id")}/reviewer", new { userId = proposer.Id }, toTriageTag);
        await Expect.Status(taken, HttpStatusCode.OK);
        Assert.DoesNotContain(Items(await QueueAsync(confirmer.Client)), i => i.GetProperty("claimId").GetGuid() == toTriage.GetProperty("id").GetGuid());
        Assert.Contains(Items(await QueueAsync(proposer.Client)), i => i.GetProperty("action").GetString() == "Triage" && i.GetProperty("claimId").GetGuid() == toTriage.GetProperty("id").GetGuid());

        // The investigator's queue: their claims in corroboration, waiting for evidence; nothing to triage or confirm.
        var (waiting, waitingTag) = await investigator.Client.SubmitClaimAsync();
        await Expect.Status(await proposer.Client.PostWithIfMatch($"/api/v1/claims/{waiting.GetProperty("id")}/triage", new { decision = "Accept" }, waitingTag), HttpStatusCode.OK);
        var mine = await QueueAsync(investigator.Client);
        Assert.Equal(1, mine.GetProperty("counts").GetProperty("awaitingEvidence").GetInt32());
        Assert.Equal(0, mine.GetProperty("counts").GetProperty("toTriage").GetInt32());
        var item = Assert.Single(Items(mine));
        Assert.Equal("AddEvidence", item.GetProperty("action").GetString());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("dueAt").ValueKind);
    }

    [Fact]
    public async Task Work_past_its_deadline_is_flagged_overdue_and_counted()
    {
        // The deadlines keep their defaults (72 h to triage); the clock moves past them.
        var clock = new MovableClock();
        await using var api = await TestApi.StartAsync(DatabaseProvider.Sqlite, services: s => s.AddSingleton<TimeProvider>(clock));
        var investigator = await api.NewPersonAsync("Investigator");
        var (claim, _) = await investigator.Client.SubmitClaimAsync();
        await investigator.Client.SubmitClaimAsync();

        clock.Advance(TimeSpan.FromHours(73));
        var reviewer = await api.NewPersonAsync("Reviewer");
        // Access tokens expired with the jump; the investigator signs in again.
        var (late, _) = await (await api.SignInAsync(investigator.Email, TestApi.Password)).SubmitClaimAsync();
        var queue = await QueueAsync(reviewer.Client);
        var item = Assert.Single(Items(queue), i => i.GetProperty("claimId").GetGuid() == claim.GetProperty("id").GetGuid());
        Assert.True(item.GetProperty("overdue").GetBoolean());
        Assert.False(Assert.Single(Items(queue), i => i.GetProperty("claimId").GetGuid() == late.GetProperty("id").GetGuid()).GetProperty("overdue").GetBoolean());
        Assert.Equal(2, queue.GetProperty("counts").GetProperty("overdue").GetInt32());
        Assert.Equal(3, queue.GetProperty("counts").GetProperty("toTriage").GetInt32());
        // Most urgent first.
        Assert.Equal(claim.GetProperty("id").GetGuid(), Items(queue)[0].GetProperty("claimId").GetGuid());

        var firstPage = await (await reviewer.Client.GetAsync("/api/v1/me/queue?limit=2")).Json();
        Assert.Equal(2, Items(firstPage).Count);
        var rest = await (await reviewer.Client.GetAsync($"/api/v1/me/queue?limit=2&cursor={firstPage.GetProperty("nextCursor").GetString()}")).Json();
        Assert.Single(Items(rest));
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("nextCursor").ValueKind);
        await Expect.ValidationProblem(await reviewer.Client.GetAsync("/api/v1/me/queue?limit=0"), "limit");
        await Expect.ValidationProblem(await reviewer.Client.GetAsync("/api/v1/me/queue?cursor=%21%21"), "cursor");
    }

    /// <summary>The system clock, moved forward on demand.</summary>
    private sealed class MovableClock : TimeProvider
    {
        private TimeSpan _offset;

        public void Advance(TimeSpan by) => _offset += by;

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;
    }

    private static async Task<JsonElement> QueueAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/v1/me/queue?limit=200");
        await Expect.Status(response, HttpStatusCode.OK);
        return await response.Json();
    }

    private static List<JsonElement> Items(JsonElement queue) => [.. queue.GetProperty("items").EnumerateArray()];
}
