using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Verification.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Verification.Api.Tests.Security;

/// <summary>
/// Every route of the OpenAPI document × every kind of caller → the expected answer (OWASP API1, API5). The table
/// is checked against the document, so a new route without an entry here fails this test until someone decides
/// who may call it.
/// </summary>
public sealed class RouteMatrixTests(SqliteApiFixture fixture, ITestOutputHelper output) : IClassFixture<SqliteApiFixture>
{
    public enum Access { Public, Staff, Investigator, Reviewer, Coordinator, Triage, Importer, Partner, CoordinatorOrPartner }

    /// <summary>
    /// Which object a route acts on. An investigator who may not see a claim gets 404; only the importer and
    /// coordinators see an import; a partner sees decided claims and its own subscriptions only (the probe's claim is
    /// undecided and the probe's id names no subscription of theirs, so a partner must get 404).
    /// OwnObject: something only its owner has (a notification, one's notification webhook); the probe names none of
    /// the caller's, so every staff caller must get 404.
    /// </summary>
    public enum Scope { None, Claim, Evidence, Import, PartnerObject, OwnObject }

    /// <summary>
    /// Who calls. Partners come in both sharing levels (what they may read differs, which routes they may call does
    /// not), and one partner's key has been revoked: it must be as good as no key at all.
    /// </summary>
    public enum Caller { Anonymous, OwnInvestigator, OtherInvestigator, Reviewer, Coordinator, RestrictedPartner, PublicPartner, RevokedPartner }

    private sealed record Rule(Access Access, Scope Scope, Func<World, object?>? Body = null, string? MediaType = null);

    /// <summary>The objects the probes act on, all created by the "own" investigator.</summary>
    private sealed record World(Guid ClaimId, Guid EvidenceId, Guid ProposalId, Guid UserId, Guid PartnerId, Guid ImportId, Guid AccountId);

    private static readonly Dictionary<string, Rule> Rules = new()
    {
        ["POST /api/v1/auth/login"] = new(Access.Public, Scope.None, _ => new { email = "nobody@test.local", password = "wrong password here" }),
        ["POST /api/v1/auth/refresh"] = new(Access.Public, Scope.None, _ => new { refreshToken = "not-a-token" }),
        ["POST /api/v1/users"] = new(Access.Coordinator, Scope.None, _ => new { email = $"m-{Guid.NewGuid():N}@test.local", password = TestApi.Password, roles = new[] { "Investigator" } }),
        ["GET /api/v1/users"] = new(Access.Coordinator, Scope.None),
        ["PUT /api/v1/users/{id}/roles"] = new(Access.Coordinator, Scope.None, _ => new { roles = new[] { "Investigator" } }),
        ["POST /api/v1/users/{id}/password-reset"] = new(Access.Coordinator, Scope.None),
        ["POST /api/v1/users/{id}/deactivate"] = new(Access.Coordinator, Scope.None),
        ["POST /api/v1/users/{id}/reactivate"] = new(Access.Coordinator, Scope.None),
        ["POST /api/v1/auth/password"] = new(Access.Staff, Scope.None, _ => new { currentPassword = "not the current password", newPassword = "a new passphrase for the probe" }),
        ["POST /api/v1/auth/2fa/setup"] = new(Access.Staff, Scope.None),
        ["POST /api/v1/auth/2fa/enable"] = new(Access.Staff, Scope.None, _ => new { code = "000000" }),
        ["POST /api/v1/auth/2fa/disable"] = new(Access.Staff, Scope.None),
        ["POST /api/v1/operations/integrity-check"] = new(Access.Coordinator, Scope.None),
        ["POST /api/v1/operations/read-model/rebuild"] = new(Access.Coordinator, Scope.None),
        ["POST /api/v1/imports/{id}/requeue"] = new(Access.Coordinator, Scope.None),
        ["POST /api/v1/claims"] = new(Access.Investigator, Scope.None, _ => Kidal.Claim()),
        ["GET /api/v1/claims"] = new(Access.Staff, Scope.None),
        ["GET /api/v1/claims/{id}"] = new(Access.Staff, Scope.Claim),
        ["GET /api/v1/claims/{id}/history"] = new(Access.Staff, Scope.Claim),
        ["GET /api/v1/claims/{id}/possible-duplicates"] = new(Access.Triage, Scope.Claim),
        ["PATCH /api/v1/claims/{id}"] = new(Access.Staff, Scope.Claim, _ => new { title = "probe" }, "application/merge-patch+json"),
        ["POST /api/v1/claims/triage"] = new(Access.Triage, Scope.None, w => new { decision = "Accept", items = new[] { new { id = w.ClaimId, version = 1 } } }),
        ["POST /api/v1/claims/{id}/triage"] = new(Access.Triage, Scope.Claim, _ => new { decision = "Accept" }),
        ["POST /api/v1/claims/{id}/assignments"] = new(Access.Coordinator, Scope.Claim, w => new { userId = w.UserId }),
        ["PUT /api/v1/claims/{id}/reviewer"] = new(Access.Triage, Scope.Claim, w => new { userId = w.UserId }),
        ["DELETE /api/v1/claims/{id}/reviewer"] = new(Access.Triage, Scope.Claim),
        ["GET /api/v1/me/queue"] = new(Access.Staff, Scope.None),
        ["GET /api/v1/me/notifications"] = new(Access.Staff, Scope.None),
        ["POST /api/v1/me/notifications/{id}/read"] = new(Access.Staff, Scope.OwnObject),
        ["POST /api/v1/me/notifications/read"] = new(Access.Staff, Scope.None),
        ["GET /api/v1/me/notification-webhook"] = new(Access.Staff, Scope.OwnObject),
        ["PUT /api/v1/me/notification-webhook"] = new(Access.Staff, Scope.None, _ => new { url = "https://hooks.invalid/notifications" }),
        ["DELETE /api/v1/me/notification-webhook"] = new(Access.Staff, Scope.OwnObject),
        ["GET /api/v1/exports/claims"] = new(Access.Triage, Scope.None),
        ["POST /api/v1/claims/{id}/comments"] = new(Access.Staff, Scope.Claim, _ => new { text = "probe" }),
        ["GET /api/v1/claims/{id}/comments"] = new(Access.Staff, Scope.Claim),
        ["POST /api/v1/claims/{id}/withdraw"] = new(Access.Investigator, Scope.Claim, _ => new { reason = "probe" }),
        ["POST /api/v1/claims/{id}/reopen"] = new(Access.Coordinator, Scope.Claim, _ => new { reason = "probe" }),
        ["POST /api/v1/claims/{id}/verdict-proposals"] = new(Access.Reviewer, Scope.Claim, _ => new { rating = "Weak", rationale = "probe" }),
        ["GET /api/v1/claims/{id}/verdict-proposals"] = new(Access.Staff, Scope.Claim),
        ["POST /api/v1/claims/{id}/verdict-proposals/{proposalId}/confirm"] = new(Access.Reviewer, Scope.Claim),
        ["POST /api/v1/claims/{id}/verdict-proposals/{proposalId}/reject"] = new(Access.Reviewer, Scope.Claim, _ => new { reason = "probe" }),
        ["POST /api/v1/claims/{id}/evidence"] = new(Access.Staff, Scope.Claim, _ => new { kind = "Link", url = "https://example.org/probe", stance = "Context" }),
        ["GET /api/v1/claims/{id}/evidence"] = new(Access.Staff, Scope.Claim),
        ["GET /api/v1/evidence/{id}"] = new(Access.Staff, Scope.Evidence),
        ["GET /api/v1/evidence/{id}/content"] = new(Access.Staff, Scope.Evidence),
        ["GET /api/v1/evidence/{id}/custody"] = new(Access.Staff, Scope.Evidence),
        ["POST /api/v1/evidence/{id}/review"] = new(Access.Reviewer, Scope.Evidence, _ => new { decision = "Accept", sourceReliability = "C", informationCredibility = 3 }),
        ["POST /api/v1/partners"] = new(Access.Coordinator, Scope.None, _ => new { name = $"Probe {Guid.NewGuid():N}", sharingLevel = "Public" }),
        ["GET /api/v1/partners"] = new(Access.Coordinator, Scope.None),
        ["GET /api/v1/partners/{id}"] = new(Access.Coordinator, Scope.None),
        ["POST /api/v1/partners/{id}/keys"] = new(Access.Coordinator, Scope.None),
        ["DELETE /api/v1/partners/{id}/keys"] = new(Access.Coordinator, Scope.None),
        ["GET /api/v1/partner/claims"] = new(Access.Partner, Scope.None),
        ["GET /api/v1/partner/claims/{id}"] = new(Access.Partner, Scope.PartnerObject),
        ["GET /api/v1/partner/exports/claims"] = new(Access.Partner, Scope.None),
        // An export id no partner of the probe made: every partner gets 404, never another partner's manifest.
        ["GET /api/v1/partner/exports/{exportId}/manifest"] = new(Access.Partner, Scope.PartnerObject),
        ["POST /api/v1/partner/webhooks"] = new(Access.Partner, Scope.None, _ => new { url = "https://hooks.example.org/verification", events = new[] { "claim.decided" } }),
        ["GET /api/v1/partner/webhooks"] = new(Access.Partner, Scope.None),
        ["GET /api/v1/partner/webhooks/{id}/deliveries"] = new(Access.Partner, Scope.PartnerObject),
        ["GET /api/v1/partner/webhooks/{id}"] = new(Access.Partner, Scope.PartnerObject),
        ["PATCH /api/v1/partner/webhooks/{id}"] = new(Access.Partner, Scope.PartnerObject, _ => new { events = new[] { "claim.reopened" } }),
        ["DELETE /api/v1/partner/webhooks/{id}"] = new(Access.Partner, Scope.PartnerObject),
        ["POST /api/v1/partner/webhooks/{id}/secret"] = new(Access.Partner, Scope.PartnerObject),
        ["POST /api/v1/imports"] = new(Access.Importer, Scope.None),
        ["GET /api/v1/imports"] = new(Access.Staff, Scope.None),
        ["GET /api/v1/imports/{id}"] = new(Access.Staff, Scope.Import),
        ["GET /api/v1/audit"] = new(Access.Coordinator, Scope.None),
        ["GET /api/v1/audit/verify"] = new(Access.Coordinator, Scope.None),
        ["POST /api/v1/audit/heads"] = new(Access.Coordinator, Scope.None),
        ["GET /api/v1/audit/head"] = new(Access.Public, Scope.None),
        ["GET /api/v1/audit/heads"] = new(Access.Public, Scope.None),
        ["GET /api/v1/audit/keys"] = new(Access.Public, Scope.None),
        ["GET /api/v1/audit/proofs/consistency"] = new(Access.Public, Scope.None),
        ["GET /api/v1/audit/proofs/inclusion"] = new(Access.CoordinatorOrPartner, Scope.None),
    };

    [Fact]
    public async Task Every_route_in_the_OpenAPI_document_has_an_access_rule_and_every_rule_a_route()
    {
        var routes = await DocumentedRoutes();
        Assert.Empty(routes.Except(Rules.Keys));
        Assert.Empty(Rules.Keys.Except(routes));
    }

    [Fact]
    public async Task Every_route_answers_each_kind_of_caller_as_its_rule_says()
    {
        var api = fixture.Api;
        var own = await api.NewPersonAsync("Investigator");
        var other = await api.NewPersonAsync("Investigator");
        var reviewer = await api.NewPersonAsync("Reviewer");
        var proposer = await api.NewPersonAsync("Reviewer");
        var coordinator = await api.CoordinatorAsync();
        var restricted = await PartnerClient(coordinator, "Restricted");
        var @public = await PartnerClient(coordinator, "Public");
        var revoked = await PartnerClient(coordinator, "Restricted", revoke: true);
        var importId = await StartDryRunImport(own);
        // A signed head exists, so the published head route answers one.
        await Expect.Status(await coordinator.PostAsync("/api/v1/audit/heads", null), HttpStatusCode.Created);
        var callers = new Dictionary<Caller, HttpClient>
        {
            [Caller.RestrictedPartner] = restricted,
            [Caller.PublicPartner] = @public,
            [Caller.RevokedPartner] = revoked,
            [Caller.Anonymous] = api.Anonymous,
            [Caller.OwnInvestigator] = own.Client,
            [Caller.OtherInvestigator] = other.Client,
            [Caller.Reviewer] = reviewer.Client,
            [Caller.Coordinator] = coordinator,
        };

        var probes = 0;
        var failures = new List<string>();
        foreach (var route in (await DocumentedRoutes()).Order())
        {
            var rule = Rules[route];
            // A fresh world per route. Within a route one caller's probe may move the claim (a withdraw, a triage),
            // but who may act never depends on the stage, so the next caller still meets the same rule.
            var world = await BuildWorld(own, proposer, other, coordinator, importId);
            foreach (var (caller, client) in callers)
            {
                var (method, path) = Split(route, world);
                var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (rule.Body?.Invoke(world) is { } body)
                    request.Content = JsonContent.Create(body, mediaType: rule.MediaType is null ? null : new System.Net.Http.Headers.MediaTypeHeaderValue(rule.MediaType));
                var response = await client.SendAsync(request);
                probes++;
                var status = (int)response.StatusCode;
                var expected = Expected(rule, caller);
                var ok = expected switch
                {
                    // A public route may refuse bad credentials (401) but never hides behind 403/404 or fails.
                    null when rule.Access == Access.Public => status is not (403 or 404) && status < 500,
                    null => status is not (401 or 403 or 404) && status < 500,
                    _ => status == expected,
                };
                if (!ok)
                    failures.Add($"{route} as {caller}: expected {(expected?.ToString() ?? "allowed (not 401/403/404/5xx)")}, got {status} {await response.Content.ReadAsStringAsync()}");
            }
        }
        output.WriteLine($"{Rules.Count} routes × {callers.Count} kinds of caller = {probes} probes checked ({string.Join(", ", callers.Keys)}).");
        Assert.Equal(Rules.Count * callers.Count, probes);
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>The status a caller must get, or null when the caller is allowed (any answer but 401/403/404/5xx).</summary>
    private static int? Expected(Rule rule, Caller caller)
    {
        if (rule.Access == Access.Public)
            return null;
        // A revoked key authenticates nobody: the caller is as anonymous, whatever the route.
        if (caller is Caller.Anonymous or Caller.RevokedPartner)
            return 401;
        var partner = caller is Caller.RestrictedPartner or Caller.PublicPartner;
        if (rule.Access == Access.CoordinatorOrPartner)
            return partner || caller == Caller.Coordinator ? null : 403;
        if (rule.Access == Access.Partner)
            return !partner ? 403 : rule.Scope == Scope.PartnerObject ? 404 : null;
        if (partner)
            return 403;
        var allowed = rule.Access switch
        {
            Access.Staff => true,
            Access.Importer => caller is Caller.OwnInvestigator or Caller.OtherInvestigator or Caller.Coordinator,
            Access.Investigator => caller is Caller.OwnInvestigator or Caller.OtherInvestigator,
            Access.Reviewer => caller == Caller.Reviewer,
            Access.Coordinator => caller == Caller.Coordinator,
            Access.Triage => caller is Caller.Reviewer or Caller.Coordinator,
            _ => false,
        };
        if (!allowed)
            return 403;
        if (rule.Scope == Scope.OwnObject)
            return 404;
        if (rule.Scope is Scope.Claim or Scope.Evidence && caller == Caller.OtherInvestigator)
            return 404;
        if (rule.Scope == Scope.Import && caller is Caller.OtherInvestigator or Caller.Reviewer)
            return 404;
        return null;
    }

    /// <summary>A client holding a new partner's key; with <paramref name="revoke"/>, a key the coordinator has since revoked.</summary>
    private async Task<HttpClient> PartnerClient(HttpClient coordinator, string sharingLevel, bool revoke = false)
    {
        var created = await coordinator.PostAsJsonAsync("/api/v1/partners", new { name = $"Matrix {sharingLevel} {Guid.NewGuid():N}", sharingLevel });
        await Expect.Status(created, HttpStatusCode.Created);
        var issued = await created.Json();
        if (revoke)
            await Expect.Status(await coordinator.DeleteAsync($"/api/v1/partners/{issued.GetProperty("id").GetGuid()}/keys"), HttpStatusCode.NoContent);
        var client = fixture.Api.Factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", issued.GetProperty("apiKey").GetString());
        return client;
    }

    private async Task<Guid> StartDryRunImport(Person importer)
    {
        var content = new MultipartFormDataContent();
        content.Add(new StringContent("""{"format":"ucdp-ged-csv","dryRun":true}""", System.Text.Encoding.UTF8, "application/json"), "options");
        var file = new ByteArrayContent(await File.ReadAllBytesAsync(Claims.KidalWalkthroughTests.SamplePath("ucdp-ged-23.1-car/events.csv")));
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        content.Add(file, "file", "events.csv");
        var response = await importer.Client.PostAsync("/api/v1/imports", content);
        await Expect.Status(response, HttpStatusCode.Accepted);
        return (await response.Json()).GetProperty("id").GetGuid();
    }

    private async Task<World> BuildWorld(Person own, Person proposer, Person other, HttpClient coordinator, Guid importId)
    {
        // The account the /users/{id} routes act on: its own, since a reset or a deactivation ends its sessions.
        var account = await (await coordinator.PostAsJsonAsync("/api/v1/users",
            new { email = $"account-{Guid.NewGuid():N}@test.local", password = TestApi.Password, roles = new[] { "Investigator" } })).Json();
        var target = await (await coordinator.PostAsJsonAsync("/api/v1/partners", new { name = $"Target {Guid.NewGuid():N}", sharingLevel = "Public" })).Json();
        var (claim, etag) = await own.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();
        var file = await own.Client.PostAsync($"/api/v1/claims/{id}/evidence",
            Claims.KidalWalkthroughTests.Multipart("""{"kind":"Document","origin":"probe","stance":"Supports"}""", "probe bytes"u8.ToArray(), "text/plain"));
        await Expect.Status(file, HttpStatusCode.Created);
        var triaged = await proposer.Client.PostWithIfMatch($"/api/v1/claims/{id}/triage", new { decision = "Accept" }, etag);
        var proposal = await proposer.Client.PostWithIfMatch($"/api/v1/claims/{id}/verdict-proposals",
            new { rating = "Weak", rationale = "One source." }, triaged.Headers.ETag!.Tag);
        await Expect.Status(proposal, HttpStatusCode.Created);
        return new World(id, (await file.Json()).GetProperty("id").GetGuid(), (await proposal.Json()).GetProperty("id").GetGuid(), other.Id,
            target.GetProperty("id").GetGuid(), importId, account.GetProperty("id").GetGuid());
    }

    private static (string Method, string Path) Split(string route, World world)
    {
        var space = route.IndexOf(' ');
        var path = route[(space + 1)..]
            .Replace("{proposalId}", world.ProposalId.ToString())
            .Replace("{exportId}", world.ClaimId.ToString())
            .Replace("/evidence/{id}", $"/evidence/{world.EvidenceId}")
            .Replace("/users/{id}", $"/users/{world.AccountId}")
            .Replace("/partners/{id}", $"/partners/{world.PartnerId}")
            .Replace("/imports/{id}", $"/imports/{world.ImportId}")
            .Replace("{id}", world.ClaimId.ToString());
        return (route[..space], path);
    }

    private async Task<HashSet<string>> DocumentedRoutes()
    {
        var document = await fixture.Api.Anonymous.GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        return document!["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(op => $"{op.Key.ToUpperInvariant()} {p.Key}"))
            .ToHashSet();
    }
}
