using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Verification.Api.Tests.Infrastructure;
using Verification.Api.Tests.Partners;
using Verification.Persistence;

namespace Verification.Api.Tests.DailyWork;

/// <summary>Staff notes on a claim: for whoever can see the claim, with @email mentions, never for partners.</summary>
public sealed class CommentTests(ProvidersFixture fixture) : IClassFixture<ProvidersFixture>
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Staff_who_see_the_claim_comment_and_read_the_comments_with_their_mentions(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var stranger = await api.NewPersonAsync("Investigator");
        var reviewer = await api.NewPersonAsync("Reviewer");
        var (claim, _) = await investigator.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();

        var text = $"Can you check the second source? @{reviewer.Email} and (@{investigator.Email.ToUpperInvariant()}), not mail@home";
        var created = await reviewer.Client.PostAsJsonAsync($"/api/v1/claims/{id}/comments", new { text });
        await Expect.Status(created, HttpStatusCode.Created);
        var comment = await created.Json();
        Assert.Equal(reviewer.Id, comment.GetProperty("author").GetGuid());
        Assert.Equal(id, comment.GetProperty("claimId").GetGuid());
        Assert.Equal(text, comment.GetProperty("text").GetString());
        Assert.Equal([reviewer.Email, investigator.Email], comment.GetProperty("mentions").EnumerateArray().Select(m => m.GetString()));
        Assert.EndsWith($"/api/v1/claims/{id}/comments/{comment.GetProperty("id").GetGuid()}", created.Headers.Location!.ToString());

        await Expect.Status(await investigator.Client.PostAsJsonAsync($"/api/v1/claims/{id}/comments", new { text = "Done." }), HttpStatusCode.Created);
        var list = await (await investigator.Client.GetAsync($"/api/v1/claims/{id}/comments")).Json();
        Assert.Equal([text, "Done."], list.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("text").GetString()));

        // Someone who cannot see the claim cannot see that it has comments, nor add one.
        await Expect.Problem(await stranger.Client.GetAsync($"/api/v1/claims/{id}/comments"), HttpStatusCode.NotFound);
        await Expect.Problem(await stranger.Client.PostAsJsonAsync($"/api/v1/claims/{id}/comments", new { text = "Hello" }), HttpStatusCode.NotFound);
        await Expect.ValidationProblem(await reviewer.Client.PostAsJsonAsync($"/api/v1/claims/{id}/comments", new { text = new string('x', 5001) }), "text");
        await Expect.ValidationProblem(await reviewer.Client.PostAsJsonAsync($"/api/v1/claims/{id}/comments", new { text = " " }), "text");

        // The audit chain holds an entry for the comment, but not its words.
        var coordinator = await api.CoordinatorAsync();
        var audit = await coordinator.GetStringAsync($"/api/v1/audit?entityId={id}&limit=200");
        Assert.Contains("AddComment", audit);
        Assert.DoesNotContain("second source", audit);
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_comment_never_reaches_a_partner_response_or_export(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        var partner = await world.NewPartnerAsync("Restricted");
        var claimId = await world.DecidedAsync();
        const string note = "Internal: the second witness is the mayor's cousin";
        await Expect.Status(await world.Reviewer.Client.PostAsJsonAsync($"/api/v1/claims/{claimId}/comments", new { text = note }), HttpStatusCode.Created);

        foreach (var url in new[]
                 {
                     $"/api/v1/partner/claims/{claimId}", "/api/v1/partner/claims?limit=200",
                     "/api/v1/partner/exports/claims?format=ndjson", "/api/v1/partner/exports/claims?format=csv", "/api/v1/partner/exports/claims?format=geojson",
                 })
        {
            var response = await partner.Client.GetAsync(url);
            await Expect.Status(response, HttpStatusCode.OK);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains(claimId.ToString(), body);
            Assert.DoesNotContain("mayor", body);
            Assert.DoesNotContain("comment", body, StringComparison.OrdinalIgnoreCase);
        }
        // Partners have no route to comments at all.
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.Client.GetAsync($"/api/v1/claims/{claimId}/comments")).StatusCode);
    }
}
