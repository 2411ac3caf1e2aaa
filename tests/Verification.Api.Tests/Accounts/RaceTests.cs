using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Verification.Api.Tests.Infrastructure;
using Verification.Api.Tests.Operations;
using Verification.Persistence;
using Xunit.Abstractions;

namespace Verification.Api.Tests.Accounts;

/// <summary>
/// Every state change two people can make at the same moment, fired twice at once on PostgreSQL (where, unlike SQLite,
/// writers really run in parallel), round after round: exactly one of the two takes effect, as the audit chain and
/// the resource show, and the other is refused (409, 412, or 401 when the winner's change ended the loser's session).
/// </summary>
public sealed class RaceTests(RaceTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<RaceTests.Fixture>
{
    private const int Rounds = 8;

    public sealed class Fixture : IAsyncLifetime
    {
        public TestApi Api { get; private set; } = null!;
        public Person Investigator { get; private set; } = null!;
        public Person FirstReviewer { get; private set; } = null!;
        public Person SecondReviewer { get; private set; } = null!;
        public Person Proposer { get; private set; } = null!;
        public HttpClient FirstCoordinator { get; private set; } = null!;
        public HttpClient SecondCoordinator { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Api = await TestApi.StartAsync(DatabaseProvider.PostgreSql);
            Investigator = await Api.NewPersonAsync("Investigator");
            FirstReviewer = await Api.NewPersonAsync("Reviewer");
            SecondReviewer = await Api.NewPersonAsync("Reviewer");
            Proposer = await Api.NewPersonAsync("Reviewer");
            FirstCoordinator = await Api.CoordinatorAsync();
            SecondCoordinator = (await Api.NewPersonAsync("Coordinator")).Client;
        }

        public async Task DisposeAsync() => await Api.DisposeAsync();
    }

    public static TheoryData<string> Changes => ["review", "triage", "propose", "confirm", "reject", "reopen", "role change", "key rotation"];

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task Two_people_making_the_same_change_at_once_make_it_exactly_once(string change)
    {
        var f = fixture;
        var watch = Stopwatch.StartNew();
        for (var round = 0; round < Rounds; round++)
        {
            var (first, second, effects) = await PrepareAsync(change, f);
            var answers = await Task.WhenAll(first(), second());
            var statuses = answers.Select(a => (int)a.StatusCode).ToArray();
            var won = statuses.Count(s => s is >= 200 and < 300);
            Assert.True(change is "role change" or "key rotation" ? won >= 1 : won == 1, $"{change}, round {round}: {string.Join(", ", statuses)}");
            Assert.All(statuses.Where(s => s >= 300), s => Assert.Contains(s, new[] { 401, 409, 412 }));
            Assert.Equal(1, await effects(answers));
        }
        output.WriteLine($"{change}: {Rounds} rounds of two at once in {watch.ElapsedMilliseconds} ms");
    }

    private delegate Task<int> Effects(HttpResponseMessage[] answers);

    private async Task<(Func<Task<HttpResponseMessage>>, Func<Task<HttpResponseMessage>>, Effects)> PrepareAsync(string change, Fixture f)
    {
        var a = f.FirstReviewer.Client;
        var b = f.SecondReviewer.Client;
        switch (change)
        {
            case "review":
                {
                    var claim = await SubmittedAsync(f);
                    var item = (await f.Investigator.Client.AddTestimonyAsync(claim, "Heard the drones at 1 a.m.", "Witness")).GetProperty("id").GetGuid();
                    var body = new { decision = "Accept", sourceReliability = "B", informationCredibility = 2 };
                    return (() => a.PostAsJsonAsync($"/api/v1/evidence/{item}/review", body), () => b.PostAsJsonAsync($"/api/v1/evidence/{item}/review", body),
                        async _ => (await f.Investigator.Client.CustodyActionsAsync(item)).Count(x => x == "Reviewed"));
                }
            case "triage":
                {
                    var claim = await SubmittedAsync(f);
                    var etag = await f.Investigator.Client.ETagOf(claim);
                    return (() => a.PostWithIfMatch($"/api/v1/claims/{claim}/triage", new { decision = "Accept" }, etag),
                        () => b.PostWithIfMatch($"/api/v1/claims/{claim}/triage", new { decision = "Reject", reason = "Out of scope." }, etag),
                        _ => AuditCountAsync(f, claim, "TriageClaim"));
                }
            case "propose":
                {
                    var claim = await InCorroborationAsync(f);
                    var etag = await f.Investigator.Client.ETagOf(claim);
                    var body = new { rating = "Weak", rationale = "One source only." };
                    return (() => a.PostWithIfMatch($"/api/v1/claims/{claim}/verdict-proposals", body, etag),
                        () => b.PostWithIfMatch($"/api/v1/claims/{claim}/verdict-proposals", body, etag),
                        async _ => (await (await f.Investigator.Client.GetAsync($"/api/v1/claims/{claim}/verdict-proposals")).Json()).GetProperty("items").GetArrayLength());
                }
            case "confirm":
            case "reject":
                {
                    var (claim, proposal) = await ProposedAsync(f);
                    var etag = await f.Investigator.Client.ETagOf(claim);
                    var url = $"/api/v1/claims/{claim}/verdict-proposals/{proposal}/{change}";
                    object body = change == "reject" ? new { reason = "Not enough." } : new { };
                    return (() => a.PostWithIfMatch(url, body, etag), () => b.PostWithIfMatch(url, body, etag),
                        _ => AuditCountAsync(f, claim, change == "confirm" ? "ConfirmVerdict" : "RejectVerdict"));
                }
            case "reopen":
                {
                    var (claim, proposal) = await ProposedAsync(f);
                    await Expect.Status(await a.PostWithIfMatch($"/api/v1/claims/{claim}/verdict-proposals/{proposal}/confirm", new { }, await f.Investigator.Client.ETagOf(claim)), HttpStatusCode.OK);
                    var etag = await f.Investigator.Client.ETagOf(claim);
                    var body = new { reason = "New footage." };
                    return (() => f.FirstCoordinator.PostWithIfMatch($"/api/v1/claims/{claim}/reopen", body, etag),
                        () => f.SecondCoordinator.PostWithIfMatch($"/api/v1/claims/{claim}/reopen", body, etag),
                        _ => AuditCountAsync(f, claim, "ReopenClaim"));
                }
            case "role change":
                {
                    // Role changes carry no precondition: both may commit, one after the other, but never a mix of the two.
                    var person = await ReviewFindingsTests.CreateAsync(f.Api, f.FirstCoordinator, "Investigator");
                    string[] one = ["Reviewer"], other = ["Investigator", "Reviewer"];
                    return (() => f.FirstCoordinator.PutAsJsonAsync($"/api/v1/users/{person.Id}/roles", new { roles = one }),
                        () => f.SecondCoordinator.PutAsJsonAsync($"/api/v1/users/{person.Id}/roles", new { roles = other }),
                        async _ =>
                        {
                            var users = await (await f.FirstCoordinator.GetAsync("/api/v1/users?limit=200")).Json();
                            var roles = users.GetProperty("items").EnumerateArray().Single(u => u.GetProperty("id").GetGuid() == person.Id)
                                .GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray();
                            return roles.SequenceEqual(one) || roles.SequenceEqual(other) ? 1 : 0;
                        }
                    );
                }
            case "key rotation":
                {
                    // Both rotations may commit; afterwards exactly one of the keys they answered opens the partner API.
                    var partner = await (await f.FirstCoordinator.PostAsJsonAsync("/api/v1/partners", new { name = $"Race {Guid.NewGuid():N}", sharingLevel = "Public" })).Json();
                    var id = partner.GetProperty("id").GetGuid();
                    var original = partner.GetProperty("apiKey").GetString()!;
                    return (() => f.FirstCoordinator.PostAsync($"/api/v1/partners/{id}/keys", null), () => f.SecondCoordinator.PostAsync($"/api/v1/partners/{id}/keys", null),
                        async answers =>
                        {
                            var keys = new List<string> { original };
                            foreach (var answer in answers.Where(x => x.IsSuccessStatusCode))
                                keys.Add((await answer.Json()).GetProperty("apiKey").GetString()!);
                            var working = 0;
                            foreach (var key in keys)
                            {
                                var client = f.Api.Factory.CreateClient();
                                client.DefaultRequestHeaders.Add("X-Api-Key", key);
                                if ((await client.GetAsync("/api/v1/partner/claims?limit=1")).StatusCode == HttpStatusCode.OK)
                                    working++;
                            }
                            return working;
                        }
                    );
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change, null);
        }
    }

    private static async Task<Guid> SubmittedAsync(Fixture f) => (await f.Investigator.Client.SubmitClaimAsync()).Body.GetProperty("id").GetGuid();

    private static async Task<Guid> InCorroborationAsync(Fixture f)
    {
        var (claim, etag) = await f.Investigator.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();
        await Expect.Status(await f.Proposer.Client.PostWithIfMatch($"/api/v1/claims/{id}/triage", new { decision = "Accept" }, etag), HttpStatusCode.OK);
        return id;
    }

    private static async Task<(Guid Claim, Guid Proposal)> ProposedAsync(Fixture f)
    {
        var claim = await InCorroborationAsync(f);
        var proposed = await f.Proposer.Client.PostWithIfMatch($"/api/v1/claims/{claim}/verdict-proposals",
            new { rating = "Weak", rationale = "One source only." }, await f.Investigator.Client.ETagOf(claim));
        await Expect.Status(proposed, HttpStatusCode.Created);
        return (claim, (await proposed.Json()).GetProperty("id").GetGuid());
    }

    private static async Task<int> AuditCountAsync(Fixture f, Guid target, string action)
    {
        var audit = await (await f.FirstCoordinator.GetAsync($"/api/v1/audit?entityId={target}&limit=200")).Json();
        return audit.GetProperty("items").EnumerateArray().Count(e => e.GetProperty("action").GetString() == action);
    }
}
