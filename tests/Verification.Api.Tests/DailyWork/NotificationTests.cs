using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Features.Notifications;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.DailyWork;

/// <summary>GET /me/notifications and marking as read: who is told of what, and only of claims they can see.</summary>
public sealed class NotificationTests(ProvidersFixture fixture) : IClassFixture<ProvidersFixture>
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Assignment_triage_and_verdicts_tell_the_people_concerned_and_never_the_one_who_acted(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var helper = await api.NewPersonAsync("Investigator");
        var proposer = await api.NewPersonAsync("Reviewer");
        var confirmer = await api.NewPersonAsync("Reviewer");
        var coordinator = await api.CoordinatorAsync();
        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();
        var reference = claim.GetProperty("reference").GetString()!;

        var assigned = await coordinator.SendWithIfMatch(HttpMethod.Put, $"/api/v1/claims/{id}/reviewer", new { userId = proposer.Id }, etag);
        await Expect.Status(assigned, HttpStatusCode.OK);
        var triaged = await proposer.Client.PostWithIfMatch($"/api/v1/claims/{id}/triage", new { decision = "Accept" }, assigned.Headers.ETag!.Tag);
        await Expect.Status(triaged, HttpStatusCode.OK);
        await Expect.Status(await coordinator.PostWithIfMatch($"/api/v1/claims/{id}/assignments", new { userId = helper.Id }, await coordinator.ETagOf(id)),
            HttpStatusCode.OK);
        var rejected = await ProposeAsync(proposer, id);
        await Expect.Status(await confirmer.Client.PostWithIfMatch($"/api/v1/claims/{id}/verdict-proposals/{rejected.ProposalId}/reject",
            new { reason = "One source is not enough here." }, rejected.ETag), HttpStatusCode.OK);
        var confirmed = await ProposeAsync(proposer, id);
        await Expect.Status(await confirmer.Client.PostWithIfMatch($"/api/v1/claims/{id}/verdict-proposals/{confirmed.ProposalId}/confirm", null,
            confirmed.ETag), HttpStatusCode.OK);

        var mine = await ListAsync(proposer.Client);
        Assert.Equal(["ProposalConfirmed", "ProposalRejected", "Assigned"], Kinds(mine));
        Assert.Equal(3, mine.GetProperty("unread").GetInt32());
        Assert.All(Items(mine), n =>
        {
            Assert.Equal(id, n.GetProperty("claimId").GetGuid());
            Assert.False(n.GetProperty("read").GetBoolean());
            Assert.Contains(reference, n.GetProperty("text").GetString());
        });
        Assert.Equal(["ClaimDecided", "ClaimTriaged"], Kinds(await ListAsync(investigator.Client)));
        Assert.Equal(["Assigned"], Kinds(await ListAsync(helper.Client)));
        // The second reviewer only acted: nothing was done to them.
        Assert.Empty(Kinds(await ListAsync(confirmer.Client)));

        // Paging, newest first.
        var first = await ListAsync(proposer.Client, "limit=2");
        Assert.Equal(["ProposalConfirmed", "ProposalRejected"], Kinds(first));
        var rest = await ListAsync(proposer.Client, $"limit=2&cursor={first.GetProperty("nextCursor").GetString()}");
        Assert.Equal(["Assigned"], Kinds(rest));
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("nextCursor").ValueKind);

        // Read one; someone else cannot touch it.
        var newest = Items(mine)[0].GetProperty("id").GetGuid();
        await Expect.Problem(await confirmer.Client.PostAsync($"/api/v1/me/notifications/{newest}/read", null), HttpStatusCode.NotFound);
        await Expect.Status(await proposer.Client.PostAsync($"/api/v1/me/notifications/{newest}/read", null), HttpStatusCode.NoContent);
        await Expect.Status(await proposer.Client.PostAsync($"/api/v1/me/notifications/{newest}/read", null), HttpStatusCode.NoContent);
        var after = await ListAsync(proposer.Client);
        Assert.Equal(2, after.GetProperty("unread").GetInt32());
        Assert.True(Items(after)[0].GetProperty("read").GetBoolean());
        Assert.Equal(["ProposalRejected", "Assigned"], Kinds(await ListAsync(proposer.Client, "unread=true")));
        Assert.Equal(["ProposalConfirmed"], Kinds(await ListAsync(proposer.Client, "unread=false")));
        Assert.Equal(2, Items(await ListAsync(investigator.Client, "unread=true")).Count);

        // Read all.
        var all = await proposer.Client.PostAsync("/api/v1/me/notifications/read", null);
        await Expect.Status(all, HttpStatusCode.OK);
        Assert.Equal(2, (await all.Json()).GetProperty("marked").GetInt32());
        Assert.Equal(0, (await ListAsync(proposer.Client)).GetProperty("unread").GetInt32());
        Assert.Equal(2, (await ListAsync(investigator.Client)).GetProperty("unread").GetInt32());

        await Expect.ValidationProblem(await proposer.Client.GetAsync("/api/v1/me/notifications?limit=0"), "limit");
        await Expect.ValidationProblem(await proposer.Client.GetAsync("/api/v1/me/notifications?cursor=%21%21"), "cursor");
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Withdraw_and_reopen_tell_the_submitter_the_reviewer_and_the_assigned_investigators_but_never_the_one_who_acted(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var helper = await api.NewPersonAsync("Investigator");
        var bystander = await api.NewPersonAsync("Investigator");
        var reviewer = await api.NewPersonAsync("Reviewer");
        var confirmer = await api.NewPersonAsync("Reviewer");
        var coordinator = await api.CoordinatorAsync();

        // A claim with a reviewer and an assigned investigator, withdrawn by its submitter.
        var withdrawn = await WorkedOnAsync(investigator, reviewer, helper, coordinator);
        var response = await investigator.Client.PostWithIfMatch($"/api/v1/claims/{withdrawn.Id}/withdraw",
            new { reason = "Submitted twice by mistake." }, await investigator.Client.ETagOf(withdrawn.Id));
        await Expect.Status(response, HttpStatusCode.OK);
        foreach (var told in new[] { reviewer, helper })
        {
            var notification = Assert.Single(Of(await ListAsync(told.Client), withdrawn.Id, "ClaimWithdrawn"));
            Assert.Contains(withdrawn.Reference, notification.GetProperty("text").GetString());
            Assert.DoesNotContain("by mistake", notification.GetProperty("text").GetString());
        }
        Assert.Empty(Of(await ListAsync(investigator.Client), withdrawn.Id, "ClaimWithdrawn"));
        Assert.Empty(Of(await ListAsync(bystander.Client), withdrawn.Id, "ClaimWithdrawn"));

        // A decided claim reopened by a coordinator.
        var decided = await WorkedOnAsync(investigator, reviewer, helper, coordinator);
        var proposal = await ProposeAsync(reviewer, decided.Id);
        await Expect.Status(await confirmer.Client.PostWithIfMatch($"/api/v1/claims/{decided.Id}/verdict-proposals/{proposal.ProposalId}/confirm", null,
            proposal.ETag), HttpStatusCode.OK);
        var reopened = await coordinator.PostWithIfMatch($"/api/v1/claims/{decided.Id}/reopen", new { reason = "New footage." },
            await coordinator.ETagOf(decided.Id));
        await Expect.Status(reopened, HttpStatusCode.OK);
        foreach (var told in new[] { investigator, reviewer, helper })
        {
            var notification = Assert.Single(Of(await ListAsync(told.Client), decided.Id, "ClaimReopened"));
            Assert.Contains(decided.Reference, notification.GetProperty("text").GetString());
        }
        // The confirmer is not the claim's reviewer; the bystander cannot see the claim; the coordinator acted.
        Assert.Empty(Of(await ListAsync(confirmer.Client), decided.Id, "ClaimReopened"));
        Assert.Empty(Of(await ListAsync(bystander.Client), decided.Id, "ClaimReopened"));
        Assert.Empty(Of(await ListAsync(coordinator), decided.Id, "ClaimReopened"));
    }

    /// <summary>A claim submitted by <paramref name="submitter"/>, with <paramref name="reviewer"/> as its reviewer (who triaged it) and <paramref name="helper"/> assigned.</summary>
    private static async Task<(Guid Id, string Reference)> WorkedOnAsync(Person submitter, Person reviewer, Person helper, HttpClient coordinator)
    {
        var (claim, etag) = await submitter.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();
        var named = await coordinator.SendWithIfMatch(HttpMethod.Put, $"/api/v1/claims/{id}/reviewer", new { userId = reviewer.Id }, etag);
        await Expect.Status(named, HttpStatusCode.OK);
        await Expect.Status(await reviewer.Client.PostWithIfMatch($"/api/v1/claims/{id}/triage", new { decision = "Accept" }, named.Headers.ETag!.Tag),
            HttpStatusCode.OK);
        await Expect.Status(await coordinator.PostWithIfMatch($"/api/v1/claims/{id}/assignments", new { userId = helper.Id }, await coordinator.ETagOf(id)),
            HttpStatusCode.OK);
        return (id, claim.GetProperty("reference").GetString()!);
    }

    private static List<JsonElement> Of(JsonElement list, Guid claimId, string kind) =>
        [.. Items(list).Where(n => n.GetProperty("claimId").GetGuid() == claimId && n.GetProperty("kind").GetString() == kind)];

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_mention_tells_only_existing_staff_who_can_see_the_claim_and_never_carries_the_comment(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var outsider = await api.NewPersonAsync("Investigator");
        var author = await api.NewPersonAsync("Reviewer");
        var colleague = await api.NewPersonAsync("Reviewer");
        var (claim, _) = await investigator.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();
        var secret = $"the informant's cousin {Guid.NewGuid():N}";
        var ghost = $"ghost-{Guid.NewGuid():N}@example.org";

        var comment = await author.Client.PostAsJsonAsync($"/api/v1/claims/{id}/comments", new
        {
            text = $"@{colleague.Email} @{investigator.Email} @{outsider.Email} @{ghost} @{author.Email} see {secret}",
        });
        await Expect.Status(comment, HttpStatusCode.Created);
        Assert.Equal(5, (await comment.Json()).GetProperty("mentions").GetArrayLength());

        foreach (var told in new[] { colleague, investigator })
        {
            var notification = Assert.Single(Items(await ListAsync(told.Client)));
            Assert.Equal("Mentioned", notification.GetProperty("kind").GetString());
            Assert.Equal(id, notification.GetProperty("claimId").GetGuid());
            var text = notification.GetProperty("text").GetString()!;
            Assert.Contains(author.Email, text);
            Assert.DoesNotContain(secret, text);
        }
        // The outsider cannot see the claim; the author is not told of their own mention.
        Assert.Empty(Items(await ListAsync(outsider.Client)));
        Assert.Empty(Items(await ListAsync(author.Client)));
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task The_overdue_check_marks_each_late_item_once_and_tells_its_people_once(DatabaseProvider provider)
    {
        var clock = new MovableClock();
        await using var api = await TestApi.StartAsync(provider, new Dictionary<string, string?> { ["Jobs:RunServer"] = "false" },
            s => s.AddSingleton<TimeProvider>(clock));
        var investigator = await api.NewPersonAsync("Investigator");
        var assignedReviewer = await api.NewPersonAsync("Reviewer");
        var proposer = await api.NewPersonAsync("Reviewer");
        var coordinator = await api.CoordinatorAsync();
        var (taken, takenTag) = await investigator.Client.SubmitClaimAsync();
        await Expect.Status(await coordinator.SendWithIfMatch(HttpMethod.Put, $"/api/v1/claims/{taken.GetProperty("id")}/reviewer",
            new { userId = assignedReviewer.Id }, takenTag), HttpStatusCode.OK);
        var (unassigned, _) = await investigator.Client.SubmitClaimAsync();
        var (proposed, proposedTag) = await investigator.Client.SubmitClaimAsync();
        var proposedId = proposed.GetProperty("id").GetGuid();
        await Expect.Status(await proposer.Client.PostWithIfMatch($"/api/v1/claims/{proposedId}/triage", new { decision = "Accept" }, proposedTag), HttpStatusCode.OK);
        await ProposeAsync(proposer, proposedId);

        Assert.Equal(new MarkOverdueWork.Result(0, 0), await MarkOverdueAsync(api));
        clock.Advance(TimeSpan.FromHours(73));
        var first = await MarkOverdueAsync(api);
        Assert.Equal(3, first.Marked);
        Assert.Equal(3, first.Notified);
        Assert.Equal(new MarkOverdueWork.Result(0, 0), await MarkOverdueAsync(api));
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(new MarkOverdueWork.Result(0, 0), await MarkOverdueAsync(api));

        // Tokens expired with the jump: everyone signs in again.
        var reviewerNotes = Items(await ListAsync(await api.SignInAsync(assignedReviewer.Email, TestApi.Password)));
        var overdue = Assert.Single(reviewerNotes, n => n.GetProperty("kind").GetString() == "Overdue");
        Assert.Equal(taken.GetProperty("id").GetGuid(), overdue.GetProperty("claimId").GetGuid());
        Assert.Contains("triage", overdue.GetProperty("text").GetString());
        var coordinatorNotes = Items(await ListAsync(await api.CoordinatorAsync())).Where(n => n.GetProperty("kind").GetString() == "Overdue").ToList();
        Assert.Equal(new[] { unassigned.GetProperty("id").GetGuid(), proposedId }.Order(),
            coordinatorNotes.Select(n => n.GetProperty("claimId").GetGuid()).Order());
        // The proposer cannot confirm their own verdict: they are not the one to chase.
        Assert.DoesNotContain(Items(await ListAsync(await api.SignInAsync(proposer.Email, TestApi.Password))),
            n => n.GetProperty("kind").GetString() == "Overdue");
    }

    internal static async Task<(Guid ProposalId, string ETag)> ProposeAsync(Person reviewer, Guid claimId)
    {
        var proposal = await reviewer.Client.PostWithIfMatch($"/api/v1/claims/{claimId}/verdict-proposals",
            new { rating = "Weak", rationale = "One report." }, await reviewer.Client.ETagOf(claimId));
        await Expect.Status(proposal, HttpStatusCode.Created);
        return ((await proposal.Json()).GetProperty("id").GetGuid(), proposal.Headers.ETag!.Tag);
    }

    private static async Task<MarkOverdueWork.Result> MarkOverdueAsync(TestApi api)
    {
        await using var scope = api.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(new MarkOverdueWork.Command());
    }

    internal static async Task<JsonElement> ListAsync(HttpClient client, string query = "limit=200")
    {
        var response = await client.GetAsync($"/api/v1/me/notifications?{query}");
        await Expect.Status(response, HttpStatusCode.OK);
        return await response.Json();
    }

    internal static List<JsonElement> Items(JsonElement list) => [.. list.GetProperty("items").EnumerateArray()];

    private static List<string?> Kinds(JsonElement list) => [.. Items(list).Select(n => n.GetProperty("kind").GetString())];

    /// <summary>The system clock, moved forward on demand.</summary>
    private sealed class MovableClock : TimeProvider
    {
        private TimeSpan _offset;

        public void Advance(TimeSpan by) => _offset += by;

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;
    }
}
