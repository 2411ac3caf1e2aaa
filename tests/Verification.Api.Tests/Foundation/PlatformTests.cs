using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Foundation;

/// <summary>What every deployment relies on: health, the OpenAPI document and its page, problem documents, headers, logs.</summary>
public sealed class PlatformTests(SqliteApiFixture fixture) : IClassFixture<SqliteApiFixture>
{
    private TestApi Api => fixture.Api;

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_answers_200_without_credentials(string route)
    {
        await Expect.Status(await Api.Anonymous.GetAsync(route), HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_every_route_under_api_v1()
    {
        var response = await Api.Anonymous.GetAsync("/openapi/v1.json");
        await Expect.Status(response, HttpStatusCode.OK);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        // Compared as written: a client reads "/api/v1/claims", not "/api/v1/claims/" or "{id:guid}".
        var documented = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();

        string[] named =
        [
            "/api/v1/claims", "/api/v1/claims/{id}", "/api/v1/claims/{id}/triage", "/api/v1/claims/{id}/evidence",
            "/api/v1/evidence/{id}/review", "/api/v1/audit/verify", "/api/v1/users",
        ];
        // And every route the host actually maps: a route added without its OpenAPI entry fails here.
        var mapped = Api.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => Normalise(e.RoutePattern.RawText ?? ""))
            .Where(p => p.StartsWith("/api/v1/", StringComparison.Ordinal))
            .ToHashSet();
        Assert.True(mapped.Count >= named.Length, $"the host maps only {mapped.Count} routes under /api/v1");
        var missing = named.Concat(mapped).Where(p => !documented.Contains(p)).Distinct().ToList();
        Assert.True(missing.Count == 0, $"missing from /openapi/v1.json: {string.Join(", ", missing)}; documented: {string.Join(", ", documented)}");
        Assert.True(document.RootElement.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("Bearer", out _));
    }

    [Fact]
    public async Task The_docs_page_answers_HTML()
    {
        var response = await Api.Anonymous.GetAsync("/docs");
        for (var hops = 0; hops < 3 && (int)response.StatusCode is >= 300 and < 400; hops++)
            response = await Api.Anonymous.GetAsync(response.Headers.Location);
        await Expect.Status(response, HttpStatusCode.OK);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem_document()
    {
        var coordinator = await Api.CoordinatorAsync();
        await Expect.Problem(await coordinator.GetAsync("/api/v1/no-such-thing"), HttpStatusCode.NotFound);
        await Expect.Problem(await coordinator.GetAsync($"/api/v1/claims/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Responses_carry_nosniff_and_errors_too()
    {
        var ok = await Api.Anonymous.GetAsync("/health/live");
        Assert.Equal("nosniff", ok.Headers.GetValues("X-Content-Type-Options").Single());
        var refused = await Api.Anonymous.GetAsync("/api/v1/claims");
        await Expect.Problem(refused, HttpStatusCode.Unauthorized);
        Assert.Equal("nosniff", refused.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task A_correlation_id_sent_is_echoed_and_one_is_made_up_when_none_is_sent()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Add("X-Correlation-Id", "kidal-check-2024-03-30");
        var echoed = await Api.Anonymous.SendAsync(request);
        Assert.Equal("kidal-check-2024-03-30", echoed.Headers.GetValues("X-Correlation-Id").Single());

        var made = await Api.Anonymous.GetAsync("/health/live");
        Assert.False(string.IsNullOrWhiteSpace(made.Headers.GetValues("X-Correlation-Id").Single()));

        // A value that could forge log lines is replaced, not echoed.
        var hostile = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        hostile.Headers.TryAddWithoutValidation("X-Correlation-Id", "x\" injected=\"1");
        var replaced = await Api.Anonymous.SendAsync(hostile);
        Assert.NotEqual("x\" injected=\"1", replaced.Headers.GetValues("X-Correlation-Id").Single());
    }

    [Fact]
    public async Task Over_real_Kestrel_there_is_no_Server_header_and_nosniff_is_sent()
    {
        // The in-memory test server never writes a Server header, so only a real Kestrel can prove it is switched off.
        var folder = AuthTests.TempFolder();
        try
        {
            await using var api = await ApiProcess.StartReadyAsync(folder,
                AuthTests.ProcessSettings(folder, ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword));
            using var client = api.CreateClient();
            foreach (var route in new[] { "/health/live", "/api/v1/claims", "/openapi/v1.json" })
            {
                var response = await client.GetAsync(route);
                Assert.False(response.Headers.Contains("Server"), $"{route} sent Server: {string.Join(",", response.Headers.TryGetValues("Server", out var v) ? v : [])}");
                Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            }
            // A process of its own is also where SQLite's process-wide settings can be seen taking effect: they are
            // accepted only before the first connection opens (SqliteLibrary).
            Assert.Contains("memory statistics off", api.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task No_log_line_at_any_level_holds_a_password_a_token_or_a_witness_identity()
    {
        var capture = new LogCapture();
        using var factory = new ApiFactory(DatabaseProvider.Sqlite);
        using var host = factory.WithWebHostBuilder(b => b.ConfigureLogging(l =>
        {
            l.AddProvider(capture);
            // A rule for this provider alone beats the host's own filters (Default: Warning, EF SQL at Warning).
            l.AddFilter<LogCapture>(null, LogLevel.Trace);
        }));
        var anonymous = host.CreateClient();

        async Task<(HttpClient Client, string Access, string Refresh)> SignIn(string email, string password)
        {
            var login = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
            await Expect.Status(login, HttpStatusCode.OK);
            var tokens = await login.Json();
            var client = host.CreateClient();
            var access = tokens.GetProperty("accessToken").GetString()!;
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", access);
            return (client, access, tokens.GetProperty("refreshToken").GetString()!);
        }

        const string investigatorPassword = "Sahel-passphrase-9f2c-never-logged";
        const string witnessName = "Amadou Witness-Secret";
        const string witnessContact = "+223-secret";
        var coordinator = await SignIn(ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword);
        var email = $"investigator-{Guid.NewGuid():N}@test.local";
        await Expect.Status(await coordinator.Client.PostAsJsonAsync("/api/v1/users",
            new { email, password = investigatorPassword, roles = new[] { "Investigator" } }), HttpStatusCode.Created);
        // A refused creation carries the password too.
        await Expect.Problem(await coordinator.Client.PostAsJsonAsync("/api/v1/users",
            new { email, password = investigatorPassword, roles = new[] { "Investigator" } }), HttpStatusCode.Conflict);
        await Expect.Problem(await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password = investigatorPassword + "-wrong" }),
            HttpStatusCode.Unauthorized);
        var investigator = await SignIn(email, investigatorPassword);
        var refreshed = await anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = investigator.Refresh });
        await Expect.Status(refreshed, HttpStatusCode.OK);
        var refreshedAccess = (await refreshed.Json()).GetProperty("accessToken").GetString()!;

        var (claim, _) = await investigator.Client.SubmitClaimAsync();
        var claimId = claim.GetProperty("id").GetGuid();
        var testimony = await investigator.Client.PostAsJsonAsync($"/api/v1/claims/{claimId}/evidence", new
        {
            kind = "Testimony",
            stance = "Supports",
            origin = "Interview in Kidal",
            testimony = new { text = "I heard the drones at night.", witness = new { name = witnessName, contact = witnessContact } },
        });
        await Expect.Status(testimony, HttpStatusCode.Created);
        var testimonyId = (await testimony.Json()).GetProperty("id").GetGuid();
        await Expect.Status(await investigator.Client.GetAsync($"/api/v1/evidence/{testimonyId}"), HttpStatusCode.OK);
        await Expect.Status(await coordinator.Client.GetAsync($"/api/v1/claims/{claimId}/evidence"), HttpStatusCode.OK);

        var upload = new MultipartFormDataContent
        {
            { new StringContent("""{"kind":"Document","stance":"Supports","origin":"Report"}""", Encoding.UTF8, "application/json"), "metadata" },
            { new ByteArrayContent("report text"u8.ToArray()), "file", "report.txt" },
        };
        var file = await investigator.Client.PostAsync($"/api/v1/claims/{claimId}/evidence", upload);
        await Expect.Status(file, HttpStatusCode.Created);
        var fileId = (await file.Json()).GetProperty("id").GetGuid();
        await Expect.Status(await investigator.Client.GetAsync($"/api/v1/evidence/{fileId}/content"), HttpStatusCode.OK);
        // A request that fails on our side is logged with its exception: it must not carry the body either.
        await Expect.Problem(await investigator.Client.PostAsync($"/api/v1/claims/{claimId}/evidence",
            new StringContent($"{{\"kind\":\"Testimony\",\"testimony\":{{\"witness\":{{\"name\":\"{witnessName}\"}}}}", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest);

        var lines = capture.Lines.ToList();
        Assert.True(lines.Count > 50, $"the capture saw only {lines.Count} lines; is the provider wired?");
        Assert.Contains(lines, l => l.Contains("/api/v1/claims/{id:guid}/evidence", StringComparison.Ordinal));
        var secrets = new Dictionary<string, string>
        {
            ["the coordinator's password"] = ApiFactory.CoordinatorPassword,
            ["the investigator's password"] = investigatorPassword,
            ["the coordinator's access token"] = coordinator.Access,
            ["the investigator's access token"] = investigator.Access,
            ["a refresh token"] = investigator.Refresh,
            ["a refreshed access token"] = refreshedAccess,
            ["the witness name"] = witnessName,
            ["the witness contact"] = witnessContact,
        };
        foreach (var (what, secret) in secrets)
        {
            var leak = lines.FirstOrDefault(l => l.Contains(secret, StringComparison.Ordinal));
            Assert.True(leak is null, $"{what} is in the log: {leak}");
        }
    }

    /// <summary>A mapped pattern as OpenAPI writes it: "/api/v1/claims/{id:guid}/" is "/api/v1/claims/{id}".</summary>
    private static string Normalise(string route)
    {
        var text = "/" + route.Trim('/');
        return System.Text.RegularExpressions.Regex.Replace(text, @"\{([^}:?=]+)[^}]*\}", "{$1}");
    }
}
