using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Verification.Api.Tests.Security;

/// <summary>
/// Hostile input against every JSON and multipart route (OWASP API4, API8): malformed JSON, wrong types, nulls,
/// huge numbers, unicode edge cases, control characters, 1 MB strings, deep nesting, lying multipart parts. Never
/// a 500, always a problem document, and nothing written by a refused request.
/// </summary>
public sealed class HostileInputTests(SqliteApiFixture fixture, ITestOutputHelper output) : IClassFixture<SqliteApiFixture>
{
    private static readonly string[] HostileJson =
    [
        "", "{", "[", "null", "true", "42", "\"text\"", "[]", "{}", "{\"title\":}", "{\"title\": \"a\",}", "{'title': 'a'}",
        "{\"title\": null, \"summary\": null, \"violationTypes\": null, \"incident\": null, \"sources\": null}",
        "{\"title\": 12, \"summary\": [], \"violationTypes\": \"UnlawfulKilling\"}",
        "{\"violationTypes\": [\"UnlawfulKilling\", 3]}",
        "{\"violationTypes\": [\"unlawfulkilling; DROP TABLE Claims\"]}",
        "{\"harm\": {\"killedMin\": 1e400}}",
        "{\"harm\": {\"killedMin\": 99999999999999999999999}}",
        "{\"harm\": {\"killedMin\": -1}}",
        "{\"harm\": {\"killedMin\": 1.5}}",
        "{\"incident\": {\"startDate\": \"2024-02-30\"}}",
        "{\"incident\": {\"startDate\": \"0001-01-01\", \"timePrecision\": \"Day\", \"location\": {\"placeName\": \"x\", \"countryCode\": \"ML\", \"geoPrecision\": \"Exact\", \"latitude\": \"NaN\", \"longitude\": 1}}}",
        "{\"title\": \"\\u0000\\u0001\\u001f\", \"summary\": \"\\ud800\"}",
        "{\"title\": \"\\udfff\\ud800 lone surrogates\"}",
        "{\"title\": \"\u202e\u0627\u0644\u0639\u0631\u0628\u064a\u0629 \ud83d\udca5 \u0000\"}",
        "{\"decision\": \"Accept\", \"decision\": \"Reject\"}",
        "{\"rating\": \"Confirmed\", \"rationale\": {\"nested\": [1, 2, {\"a\": null}]}}",
        "{\"reason\": \"" + new string('r', 5_000) + "\"}",
        "{\"sources\": [" + string.Join(",", Enumerable.Repeat("{\"type\": \"Other\"}", 5_000)) + "]}",
    ];

    [Fact]
    public async Task No_hostile_body_on_any_JSON_route_causes_a_500_or_a_write()
    {
        var api = fixture.Api;
        var investigator = await api.NewPersonAsync("Investigator");
        var reviewer = await api.NewPersonAsync("Reviewer");
        var coordinator = await api.CoordinatorAsync();
        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();
        var evidence = await (await investigator.Client.PostAsJsonAsync($"/api/v1/claims/{id}/evidence",
            new { kind = "Link", url = "https://example.org/x", origin = "o", stance = "Supports" })).Json();
        var evidenceId = evidence.GetProperty("id").GetGuid();

        var routes = new (HttpClient Client, string Path)[]
        {
            (api.Anonymous, "/api/v1/auth/login"), (api.Anonymous, "/api/v1/auth/refresh"),
            (coordinator, "/api/v1/users"), (investigator.Client, "/api/v1/claims"),
            (reviewer.Client, $"/api/v1/claims/{id}/triage"), (coordinator, $"/api/v1/claims/{id}/assignments"),
            (investigator.Client, $"/api/v1/claims/{id}/withdraw"), (coordinator, $"/api/v1/claims/{id}/reopen"),
            (reviewer.Client, $"/api/v1/claims/{id}/verdict-proposals"), (investigator.Client, $"/api/v1/claims/{id}/evidence"),
            (reviewer.Client, $"/api/v1/evidence/{evidenceId}/review"),
        };
        var deep = new string('[', 10_000) + new string(']', 10_000);
        var megabyte = "{\"title\": \"" + new string('x', 1_000_000) + "\", \"summary\": \"s\"}";
        var inputs = HostileJson.Append(deep).Append(megabyte).ToArray();
        var before = await Counts();
        var tried = 0;
        var failures = new List<string>();
        foreach (var (client, path) in routes)
        {
            foreach (var input in inputs)
            {
                var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(input, Encoding.UTF8, "application/json") };
                request.Headers.TryAddWithoutValidation("If-Match", etag);
                var response = await client.SendAsync(request);
                tried++;
                var status = (int)response.StatusCode;
                var isProblem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
                if (status >= 500 || status is >= 200 and < 300 && path.EndsWith("/claims", StringComparison.Ordinal) || status >= 400 && !isProblem)
                    failures.Add($"POST {path} with {Shorten(input)} → {status} {(isProblem ? "" : "(not a problem document)")}");
            }
        }
        output.WriteLine($"{tried} hostile JSON bodies tried over {routes.Length} routes.");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Equal(before, await Counts());
    }

    [Fact]
    public async Task Broken_multipart_uploads_are_refused_and_leave_no_row_and_no_file()
    {
        var api = fixture.Api;
        var investigator = await api.NewPersonAsync("Investigator");
        var (claim, _) = await investigator.Client.SubmitClaimAsync();
        var url = $"/api/v1/claims/{claim.GetProperty("id")}/evidence";
        var before = await Counts();
        const string metadata = """{"kind":"Photo","origin":"o","stance":"Supports"}""";

        var cases = new List<(string Name, HttpContent Content)>
        {
            ("no file part", Parts(("metadata", metadata, "application/json"))),
            ("no metadata part", Parts(("file", "bytes", "image/jpeg"))),
            ("two file parts", Parts(("metadata", metadata, "application/json"), ("file", "a", "image/jpeg"), ("file", "b", "image/jpeg"))),
            ("two metadata parts", Parts(("metadata", metadata, "application/json"), ("metadata", metadata, "application/json"), ("file", "a", "image/jpeg"))),
            ("metadata not JSON", Parts(("metadata", "kind=Photo", "application/json"), ("file", "a", "image/jpeg"))),
            ("unknown kind", Parts(("metadata", """{"kind":"Hologram","stance":"Supports"}""", "application/json"), ("file", "a", "image/jpeg"))),
            ("link with a file", Parts(("metadata", """{"kind":"Link","url":"https://example.org","stance":"Supports"}""", "application/json"), ("file", "a", "text/plain"))),
            ("unexpected part", Parts(("metadata", metadata, "application/json"), ("file", "a", "image/jpeg"), ("extra", "x", "text/plain"))),
            ("lying hash", Parts(("metadata", """{"kind":"Photo","stance":"Supports","sha256":"0000000000000000000000000000000000000000000000000000000000000000"}""", "application/json"), ("file", "a", "image/jpeg"))),
            ("truncated body", Truncated(metadata)),
            ("no boundary", new StringContent("--x\r\n", Encoding.UTF8, "multipart/form-data")),
            ("xml body", new StringContent("<evidence/>", Encoding.UTF8, "application/xml")),
        };
        foreach (var (name, content) in cases)
        {
            var response = await investigator.Client.PostAsync(url, content);
            var status = (int)response.StatusCode;
            Assert.True(status is >= 400 and < 500, $"{name}: expected a 4xx refusal, got {status} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        output.WriteLine($"{cases.Count} broken multipart uploads tried.");
        Assert.Equal(before, await Counts());
        Assert.Empty(Directory.Exists(api.Factory.EvidencePath) ? Directory.EnumerateFiles(api.Factory.EvidencePath, "*", SearchOption.AllDirectories) : []);
    }

    [Fact]
    public async Task Fields_a_client_may_not_set_are_ignored_as_read_back_shows()
    {
        var investigator = await fixture.Api.NewPersonAsync("Investigator");
        var body = Kidal.Claim();
        body["status"] = "Decided";
        body["version"] = 99;
        body["submittedBy"] = Guid.NewGuid().ToString();
        body["reference"] = "VC-1999-999999";
        body["verdict"] = new JsonObject { ["rating"] = "Confirmed" };
        body["id"] = Guid.NewGuid().ToString();
        var (claim, _) = await investigator.Client.SubmitClaimAsync(body);
        var read = await (await investigator.Client.GetAsync($"/api/v1/claims/{claim.GetProperty("id")}")).Json();
        Assert.Equal("Submitted", read.GetProperty("status").GetString());
        Assert.Equal(1, read.GetProperty("version").GetInt64());
        Assert.Equal(investigator.Id, read.GetProperty("submittedBy").GetGuid());
        Assert.NotEqual("VC-1999-999999", read.GetProperty("reference").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, read.GetProperty("verdict").ValueKind);
        Assert.NotEqual(body["id"]!.GetValue<string>(), read.GetProperty("id").GetString());

        var evidence = await (await investigator.Client.PostAsJsonAsync($"/api/v1/claims/{claim.GetProperty("id")}/evidence", new
        {
            kind = "Link",
            url = "https://example.org/y",
            stance = "Supports",
            reviewStatus = "Accepted",
            sizeBytes = 5,
            submittedBy = Guid.NewGuid(),
        })).Json();
        Assert.Equal("Pending", evidence.GetProperty("reviewStatus").GetString());
        Assert.Equal(investigator.Id, evidence.GetProperty("submittedBy").GetGuid());
    }

    [Theory]
    [InlineData("/api/v1/claims?limit=0")]
    [InlineData("/api/v1/claims?limit=201")]
    [InlineData("/api/v1/claims?limit=-5")]
    [InlineData("/api/v1/claims?cursor=%%%")]
    [InlineData("/api/v1/claims?cursor=bm90LWEtbnVtYmVy")]
    [InlineData("/api/v1/claims?status=Approved")]
    [InlineData("/api/v1/claims?countryCode=MALI")]
    [InlineData("/api/v1/claims?from=2024-13-01")]
    [InlineData("/api/v1/audit?limit=100000")]
    public async Task Out_of_range_paging_and_filters_are_400(string url)
    {
        var coordinator = await fixture.Api.CoordinatorAsync();
        await Expect.Problem(await coordinator.GetAsync(url), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Forged_and_tampered_tokens_are_401()
    {
        var investigator = await fixture.Api.NewPersonAsync("Investigator");
        var token = investigator.Client.DefaultRequestHeaders.Authorization!.Parameter!;
        var tampered = token[..^8] + (token[^8] == 'A' ? 'B' : 'A') + token[^7..];
        foreach (var bad in new[] { "forged", tampered, Convert.ToBase64String(new byte[200]), token + "x" })
        {
            var client = fixture.Api.Anonymous;
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bad);
            await Expect.Problem(await client.GetAsync("/api/v1/claims"), HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task An_expired_access_token_is_401()
    {
        await using var api = await TestApi.StartAsync(Verification.Persistence.DatabaseProvider.Sqlite,
            new Dictionary<string, string?> { ["Auth:AccessTokenMinutes"] = "0" });
        var coordinator = await api.CoordinatorAsync();
        await Expect.Problem(await coordinator.GetAsync("/api/v1/claims"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Responses_carry_security_headers_and_no_server_banner()
    {
        var response = await fixture.Api.Anonymous.GetAsync("/health/live");
        Assert.False(response.Headers.Contains("Server"));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        // CORS is closed unless an operator opens it: a foreign origin gets no Access-Control-Allow-Origin.
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1/claims");
        preflight.Headers.Add("Origin", "https://evil.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        var cors = await fixture.Api.Anonymous.SendAsync(preflight);
        Assert.False(cors.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_failure_in_Production_answers_a_bare_problem_without_internals()
    {
        await using var api = await TestApi.StartAsync(Verification.Persistence.DatabaseProvider.Sqlite,
            new Dictionary<string, string?> { ["environment"] = "Production" });
        var investigator = await api.NewPersonAsync("Investigator");
        var (claim, _) = await investigator.Client.SubmitClaimAsync();
        var upload = await investigator.Client.PostAsync($"/api/v1/claims/{claim.GetProperty("id")}/evidence",
            Claims.KidalWalkthroughTests.Multipart("""{"kind":"Document","stance":"Supports"}""", "bytes that will vanish"u8.ToArray(), "text/plain"));
        var item = await upload.Json();
        // The bytes disappear behind the API's back: reading them is an internal failure, not the caller's fault.
        foreach (var file in Directory.EnumerateFiles(api.Factory.EvidencePath, "*", SearchOption.AllDirectories))
            File.Delete(file);
        var response = await investigator.Client.GetAsync($"/api/v1/evidence/{item.GetProperty("id")}/content");
        var problem = await Expect.Problem(response, HttpStatusCode.InternalServerError);
        var text = problem.ToString();
        Assert.DoesNotContain("Exception", text);
        Assert.DoesNotContain(" at ", text);
        Assert.DoesNotContain("/work/", text);
    }

    private async Task<(int Claims, int Evidence, int Users)> Counts()
    {
        await using var db = fixture.Api.Factory.CreateDb();
        return (await db.Claims.CountAsync(), await db.Evidence.CountAsync(), await db.Users.CountAsync());
    }

    private static MultipartFormDataContent Parts(params (string Name, string Value, string ContentType)[] parts)
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, value, type) in parts)
        {
            var part = new StringContent(value, Encoding.UTF8);
            part.Headers.ContentType = new MediaTypeHeaderValue(type);
            if (name == "file")
                content.Add(part, name, "f.bin");
            else
                content.Add(part, name);
        }
        return content;
    }

    private static HttpContent Truncated(string metadata)
    {
        var body = "--b\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n" + metadata +
                   "\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.bin\"\r\nContent-Type: image/jpeg\r\n\r\npartial bytes without the closing boundary";
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
        return content;
    }

    private static string Shorten(string input) => input.Length > 60 ? input[..60] + $"…({input.Length} chars)" : input;
}
