using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Features.Partners;
using Verification.Api.Tests.Claims;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Partners;

/// <summary>A running API with the staff a claim needs to reach a verdict, and helpers that act only through HTTP.</summary>
internal sealed class PartnerWorld : IAsyncDisposable
{
    private PartnerWorld(TestApi api, Person investigator, Person reviewer, Person secondReviewer, HttpClient coordinator)
    {
        Api = api;
        Investigator = investigator;
        Reviewer = reviewer;
        SecondReviewer = secondReviewer;
        Coordinator = coordinator;
    }

    public TestApi Api { get; }
    public Person Investigator { get; }
    public Person Reviewer { get; }
    public Person SecondReviewer { get; }
    public HttpClient Coordinator { get; }

    public IEnumerable<Guid> StaffIds => [Investigator.Id, Reviewer.Id, SecondReviewer.Id];

    public static async Task<PartnerWorld> StartAsync(DatabaseProvider provider, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var api = await TestApi.StartAsync(provider, settings, services);
        return new PartnerWorld(api, await api.NewPersonAsync("Investigator"), await api.NewPersonAsync("Reviewer"),
            await api.NewPersonAsync("Reviewer"), await api.CoordinatorAsync());
    }

    public async Task<PartnerAccess> NewPartnerAsync(string sharingLevel = "Public", string? name = null)
    {
        var response = await Coordinator.PostAsJsonAsync("/api/v1/partners",
            new { name = name ?? $"Partner {Guid.NewGuid():N}", sharingLevel });
        await Expect.Status(response, HttpStatusCode.Created);
        var body = await response.Json();
        var key = body.GetProperty("apiKey").GetString()!;
        return new PartnerAccess(body.GetProperty("id").GetGuid(), key, PartnerClient(key));
    }

    /// <summary>A client that presents a partner key, as X-Api-Key or as "Authorization: ApiKey".</summary>
    public HttpClient PartnerClient(string key, bool inAuthorizationHeader = false)
    {
        var client = Api.Factory.CreateClient();
        if (inAuthorizationHeader)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", key);
        else
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    /// <summary>Submits a claim and accepts it into corroboration; answers its id and ETag.</summary>
    public async Task<(Guid Id, string Reference, string ETag)> InCorroborationAsync(JsonObject? claim = null)
    {
        var (body, etag) = await Investigator.Client.SubmitClaimAsync(claim ?? Kidal.Claim());
        var id = body.GetProperty("id").GetGuid();
        var triaged = await Reviewer.Client.PostWithIfMatch($"/api/v1/claims/{id}/triage", new { decision = "Accept" }, etag);
        await Expect.Status(triaged, HttpStatusCode.OK);
        return (id, body.GetProperty("reference").GetString()!, triaged.Headers.ETag!.Tag);
    }

    /// <summary>A claim decided Weak (a rating that needs no corroboration): the shortest way to a decided claim.</summary>
    public async Task<Guid> DecidedAsync(JsonObject? claim = null, string rating = "Weak")
    {
        var (id, _, etag) = await InCorroborationAsync(claim);
        await DecideAsync(id, etag, rating);
        return id;
    }

    public async Task<string> DecideAsync(Guid id, string etag, string rating, object? harm = null)
    {
        var proposal = await Reviewer.Client.PostWithIfMatch($"/api/v1/claims/{id}/verdict-proposals", new
        {
            rating,
            rationale = $"Rated {rating} on the sources at hand.",
            harm,
            attributedTo = new[] { "Wagner Group" },
        }, etag);
        await Expect.Status(proposal, HttpStatusCode.Created);
        var proposalId = (await proposal.Json()).GetProperty("id").GetGuid();
        var confirmed = await SecondReviewer.Client.PostWithIfMatch($"/api/v1/claims/{id}/verdict-proposals/{proposalId}/confirm", null,
            proposal.Headers.ETag!.Tag);
        await Expect.Status(confirmed, HttpStatusCode.OK);
        return confirmed.Headers.ETag!.Tag;
    }

    public async Task<string> ReopenAsync(Guid id)
    {
        var reopened = await Coordinator.PostWithIfMatch($"/api/v1/claims/{id}/reopen", new { reason = "New footage." }, await Coordinator.ETagOf(id));
        await Expect.Status(reopened, HttpStatusCode.OK);
        return reopened.Headers.ETag!.Tag;
    }

    /// <summary>
    /// The Kidal claim decided Fair on evidence of every kind: an accepted link, an accepted testimony with a protected
    /// witness, an accepted document file, a rejected link and a pending one. Everything a partner must never see is
    /// recorded in <see cref="Secrets"/>.
    /// </summary>
    public async Task<FullyEvidencedClaim> FullyEvidencedAsync()
    {
        var (id, reference, _) = await InCorroborationAsync();
        var marker = Guid.NewGuid().ToString("N");
        var witness = $"Witness Name {marker}";
        var contact = $"+223 {marker[..8]}";
        var testimonyText = $"Testimony text {marker}: I saw the drones at night.";
        var fileText = $"Evidence file bytes {marker}";

        async Task<Guid> AddJson(object metadata)
        {
            var response = await Investigator.Client.PostAsJsonAsync($"/api/v1/claims/{id}/evidence", metadata);
            await Expect.Status(response, HttpStatusCode.Created);
            return (await response.Json()).GetProperty("id").GetGuid();
        }

        var link = await AddJson(new { kind = "Link", url = "https://example.org/footage", origin = "Local journalist", stance = "Supports" });
        var testimony = await AddJson(new
        {
            kind = "Testimony",
            origin = "Resident of Kidal",
            stance = "Supports",
            testimony = new { text = testimonyText, witness = new { name = witness, contact } },
        });
        var upload = await Investigator.Client.PostAsync($"/api/v1/claims/{id}/evidence", KidalWalkthroughTests.Multipart(
            """{"kind":"Document","origin":"News agency","stance":"Supports","title":"Agency report"}""", Encoding.UTF8.GetBytes(fileText), "text/plain"));
        await Expect.Status(upload, HttpStatusCode.Created);
        var document = (await upload.Json()).GetProperty("id").GetGuid();
        var rejected = await AddJson(new { kind = "Link", url = "https://example.org/unrelated", origin = "Forum", stance = "Contradicts" });
        var pending = await AddJson(new { kind = "Link", url = "https://example.org/later", origin = "Blog", stance = "Context" });

        foreach (var (item, decision) in new[] { (link, "Accept"), (testimony, "Accept"), (document, "Accept"), (rejected, "Reject") })
        {
            var review = await Reviewer.Client.PostAsJsonAsync($"/api/v1/evidence/{item}/review",
                new { decision, reason = decision == "Reject" ? "Unrelated to the strike." : null, sourceReliability = "B", informationCredibility = 2 });
            await Expect.Status(review, HttpStatusCode.OK);
        }
        await DecideAsync(id, await Reviewer.Client.ETagOf(id), "Fair", new { killedMin = 2, killedMax = 5, civiliansKilledMin = 1, civiliansKilledMax = 3 });
        return new FullyEvidencedClaim(id, reference, [link, testimony, document], [rejected, pending],
            [witness, contact, testimonyText, fileText, "/content", .. StaffIds.Select(s => s.ToString()), rejected.ToString(), pending.ToString()]);
    }

    /// <summary>Sends the webhook sender's command as the recurring job would, in a scope of its own.</summary>
    public async Task<DeliverWebhooks.Result> DeliverWebhooksAsync()
    {
        await using var scope = Api.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(new DeliverWebhooks.Command());
    }

    public ValueTask DisposeAsync() => Api.DisposeAsync();
}

internal sealed record PartnerAccess(Guid Id, string Key, HttpClient Client);

/// <summary>A decided claim, the evidence a partner may see, the evidence it may not, and strings that must never reach it.</summary>
internal sealed record FullyEvidencedClaim(Guid Id, string Reference, IReadOnlyList<Guid> AcceptedEvidence, IReadOnlyList<Guid> HiddenEvidence,
    IReadOnlyList<string> Secrets);

/// <summary>
/// The allow-list of what a partner may receive, by JSON path ("[]" for array items). Whatever is not on it fails the
/// test, so a field that slips into a partner shape is caught without anyone reading the output.
/// </summary>
internal static class PartnerShape
{
    public static readonly IReadOnlySet<string> ClaimPaths = new HashSet<string>(StringComparer.Ordinal)
    {
        "id", "reference", "updatedAt", "version", "title", "summary", "violationTypes",
        "incident", "incident.startDate", "incident.endDate", "incident.timePrecision", "incident.location",
        "incident.location.placeName", "incident.location.countryCode", "incident.location.admin1", "incident.location.admin2",
        "incident.location.latitude", "incident.location.longitude", "incident.location.geoPrecision",
        "perpetrators", "perpetrators[].name", "perpetrators[].type",
        "harm", "harm.killedMin", "harm.killedMax", "harm.injuredMin", "harm.injuredMax", "harm.civiliansKilledMin",
        "harm.civiliansKilledMax", "harm.childrenKilledMin", "harm.childrenKilledMax", "harm.womenKilledMin", "harm.womenKilledMax",
        "verdict", "verdict.rating", "verdict.rationale", "verdict.attributedTo", "verdict.decidedAt",
        "sources", "sources[].type", "sources[].description", "sources[].url",
        "evidence", "evidence[].id", "evidence[].kind", "evidence[].sha256", "evidence[].stance", "evidence[].reviewStatus",
        "evidence[].sourceReliability", "evidence[].informationCredibility",
        "decision", "decision.auditSequence", "decision.decidedAt",
    };

    /// <summary>Every property path of a JSON document, with array items as "[]".</summary>
    public static IEnumerable<string> PathsOf(JsonElement element, string prefix = "")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var path = prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}";
                    yield return path;
                    foreach (var inner in PathsOf(property.Value, path))
                        yield return inner;
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    foreach (var inner in PathsOf(item, prefix + "[]"))
                        yield return inner;
                break;
        }
    }

    /// <summary>Asserts that every path is allowed, where claims sit under <paramref name="claimPrefix"/> (e.g. "items[]").</summary>
    public static void AssertOnlyAllowed(JsonElement document, string claimPrefix, params string[] envelope)
    {
        var allowed = new HashSet<string>(envelope, StringComparer.Ordinal);
        foreach (var path in ClaimPaths)
            allowed.Add(claimPrefix.Length == 0 ? path : $"{claimPrefix}.{path}");
        var unexpected = PathsOf(document).Distinct().Where(p => !allowed.Contains(p)).ToList();
        Assert.True(unexpected.Count == 0, $"not on the partner allow-list: {string.Join(", ", unexpected)}");
    }

    public static void AssertNoSecrets(string body, FullyEvidencedClaim claim, params string[] more)
    {
        foreach (var secret in claim.Secrets.Concat(more))
            Assert.False(body.Contains(secret, StringComparison.OrdinalIgnoreCase), $"a partner response contains '{secret}'");
    }
}
