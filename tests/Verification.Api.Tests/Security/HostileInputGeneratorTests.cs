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
/// A seeded generator of hostile requests over every JSON route and the query strings of the lists: valid bodies
/// with one part replaced by a wrong type, a huge or tiny number, deep or wide JSON, control characters, right-to-left
/// overrides, lone surrogates or overlong strings; unknown and missing members; bodies cut short, with invalid UTF-8,
/// with trailing bytes or the wrong content type. Never a 500, every refusal a problem document, and nothing written
/// but what the successful requests wrote. CI runs 2,000 inputs; the long run is
/// <c>VERIFICATION_HOSTILE_INPUTS=10000 dotnet test tests/Verification.Api.Tests --filter "FullyQualifiedName~HostileInputGeneratorTests"</c>
/// (<c>VERIFICATION_HOSTILE_SEED</c> picks another seed) and prints the counts.
/// </summary>
public sealed class HostileInputGeneratorTests(SqliteApiFixture fixture, ITestOutputHelper output) : IClassFixture<SqliteApiFixture>
{
    private static int Inputs => int.TryParse(Environment.GetEnvironmentVariable("VERIFICATION_HOSTILE_INPUTS"), out var n) ? n : 2_000;
    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("VERIFICATION_HOSTILE_SEED"), out var s) ? s : 20_261_205;

    private sealed record Route(string Method, string Path, HttpClient Client, Func<JsonNode?>? Template, string? Creates = null);

    [Fact]
    public async Task Generated_hostile_requests_never_cause_a_500_and_refused_ones_write_nothing()
    {
        var api = fixture.Api;
        var investigator = await api.NewPersonAsync("Investigator");
        var reviewer = await api.NewPersonAsync("Reviewer");
        var coordinator = await api.CoordinatorAsync();
        // The account whose roles the generator rewrites: a valid body renews its stamp, which must not end a caller's session.
        var bystander = await api.NewPersonAsync("Investigator");
        var (claim, _) = await investigator.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();
        var evidence = await (await investigator.Client.PostAsJsonAsync($"/api/v1/claims/{id}/evidence",
            new { kind = "Link", url = "https://example.org/x", origin = "o", stance = "Supports" })).Json();
        var evidenceId = evidence.GetProperty("id").GetGuid();

        // Stage-changing routes get a stale If-Match, so a body the generator happens to make valid is refused (412)
        // instead of moving the shared claim; creations are counted and compared with the rows afterwards.
        Route[] routes =
        [
            new("POST", "/api/v1/auth/login", api.Anonymous, () => new JsonObject { ["email"] = "nobody@test.local", ["password"] = "a wrong password here", ["twoFactorCode"] = "123456" }),
            new("POST", "/api/v1/auth/refresh", api.Anonymous, () => new JsonObject { ["refreshToken"] = "not-a-token" }),
            new("POST", "/api/v1/auth/password", investigator.Client, () => new JsonObject { ["currentPassword"] = "not the current one", ["newPassword"] = "a new passphrase of mine" }),
            new("POST", "/api/v1/auth/2fa/enable", investigator.Client, () => new JsonObject { ["code"] = "000000" }),
            new("POST", "/api/v1/users", coordinator, () => new JsonObject { ["email"] = $"gen-{Guid.NewGuid():N}@test.local", ["password"] = TestApi.Password, ["roles"] = new JsonArray("Investigator") }, "users"),
            new("PUT", $"/api/v1/users/{bystander.Id}/roles", coordinator, () => new JsonObject { ["roles"] = new JsonArray("Investigator") }),
            new("POST", "/api/v1/claims", investigator.Client, () => Kidal.Claim(), "claims"),
            new("POST", $"/api/v1/claims/{id}/triage", reviewer.Client, () => new JsonObject { ["decision"] = "Reject", ["reason"] = "r", ["duplicateOf"] = Guid.NewGuid().ToString() }),
            new("POST", $"/api/v1/claims/{id}/assignments", coordinator, () => new JsonObject { ["userId"] = investigator.Id.ToString() }),
            new("POST", $"/api/v1/claims/{id}/withdraw", investigator.Client, () => new JsonObject { ["reason"] = "r" }),
            new("POST", $"/api/v1/claims/{id}/reopen", coordinator, () => new JsonObject { ["reason"] = "r" }),
            new("POST", $"/api/v1/claims/{id}/verdict-proposals", reviewer.Client, () => new JsonObject { ["rating"] = "Weak", ["rationale"] = "r", ["attributedTo"] = new JsonArray("Wagner Group") }),
            new("POST", $"/api/v1/claims/{id}/evidence", investigator.Client, () => new JsonObject { ["kind"] = "Testimony", ["stance"] = "Supports", ["testimony"] = new JsonObject { ["text"] = "t", ["witness"] = new JsonObject { ["name"] = "n", ["contact"] = "c" } } }),
            new("POST", $"/api/v1/evidence/{evidenceId}/review", reviewer.Client, () => new JsonObject { ["decision"] = "Accept", ["sourceReliability"] = "B", ["informationCredibility"] = 2 }),
            new("POST", "/api/v1/partners", coordinator, () => new JsonObject { ["name"] = $"Gen {Guid.NewGuid():N}", ["sharingLevel"] = "Public" }, "partners"),
            new("GET", "/api/v1/claims", investigator.Client, null),
            new("GET", "/api/v1/users", coordinator, null),
            new("GET", "/api/v1/audit", coordinator, null),
            new("GET", "/api/v1/imports", investigator.Client, null),
            new("GET", $"/api/v1/claims/{id}/history", investigator.Client, null),
            new("GET", $"/api/v1/claims/{id}/evidence", investigator.Client, null),
        ];

        var random = new Random(Seed);
        var before = await CountsAsync(api);
        var created = new Dictionary<string, int> { ["claims"] = 0, ["users"] = 0, ["partners"] = 0 };
        var byStatus = new SortedDictionary<int, int>();
        var byKind = new SortedDictionary<string, int>();
        var failures = new List<string>();
        for (var i = 0; i < Inputs; i++)
        {
            var route = routes[random.Next(routes.Length)];
            var (request, kind) = route.Template is null ? HostileQuery(route, random) : HostileBody(route, random);
            if (route.Path.Contains("/claims/", StringComparison.Ordinal) || route.Path.Contains("/evidence/", StringComparison.Ordinal))
                request.Headers.TryAddWithoutValidation("If-Match", "\"999\"");
            var response = await route.Client.SendAsync(request);
            var status = (int)response.StatusCode;
            byStatus[status] = byStatus.GetValueOrDefault(status) + 1;
            byKind[kind] = byKind.GetValueOrDefault(kind) + 1;
            if (route.Creates is { } table && status == 201)
                created[table]++;
            var isProblem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
            if (status >= 500 || status >= 400 && !isProblem)
                failures.Add($"#{i} {route.Method} {route.Path} ({kind}) → {status} {Shorten(await response.Content.ReadAsStringAsync())}");
        }
        var after = await CountsAsync(api);

        output.WriteLine($"seed {Seed}: {Inputs} hostile requests over {routes.Length} routes");
        output.WriteLine("by status: " + string.Join(", ", byStatus.Select(p => $"{p.Key}: {p.Value}")));
        output.WriteLine("by kind: " + string.Join(", ", byKind.Select(p => $"{p.Key}: {p.Value}")));
        output.WriteLine($"500s: {byStatus.Where(p => p.Key >= 500).Sum(p => p.Value)}; created by accepted requests: {string.Join(", ", created.Select(p => $"{p.Key} {p.Value}"))}");
        Console.WriteLine($"[hostile inputs] seed {Seed}, {Inputs} requests; by status {string.Join(", ", byStatus.Select(p => $"{p.Key}: {p.Value}"))}");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(20)));
        Assert.Equal(before.Claims + created["claims"], after.Claims);
        Assert.Equal(before.Users + created["users"], after.Users);
        Assert.Equal(before.Partners + created["partners"], after.Partners);
        Assert.Equal(before.Evidence, after.Evidence);
    }

    private static (HttpRequestMessage, string) HostileBody(Route route, Random random)
    {
        var body = route.Template!()!;
        string kind;
        byte[] bytes;
        var contentType = "application/json";
        switch (random.Next(10))
        {
            case < 5:
                kind = "replaced value";
                body = Replace(body, random, HostileValue(random));
                bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
                break;
            case 5:
                kind = "unknown or missing member";
                if (body is JsonObject o && o.Count > 0 && random.Next(2) == 0)
                    o.Remove(o.ElementAt(random.Next(o.Count)).Key);
                else if (body is JsonObject extra)
                    extra["x" + random.Next(1000)] = HostileValue(random);
                bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
                break;
            case 6:
                kind = "cut short";
                var whole = Encoding.UTF8.GetBytes(body.ToJsonString());
                bytes = whole[..random.Next(whole.Length)];
                break;
            case 7:
                kind = "invalid UTF-8";
                var text = Encoding.UTF8.GetBytes(body.ToJsonString()).ToList();
                byte[][] invalid = [[0xFF], [0xC3, 0x28], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF8, 0x88, 0x80, 0x80, 0x80]];
                text.InsertRange(Math.Max(1, random.Next(text.Count)), invalid[random.Next(invalid.Length)]);
                bytes = [.. text];
                break;
            case 8:
                kind = "wrong shape";
                string[] shapes = ["[" + body.ToJsonString() + "]", body.ToJsonString() + "}", "\uFEFF" + body.ToJsonString(), body.ToJsonString() + " trailing",
                    "{\"a\":1,\"a\":2}", "null", "\"" + body.ToJsonString() + "\"", new string('{', random.Next(33, 3000))];
                bytes = Encoding.UTF8.GetBytes(shapes[random.Next(shapes.Length)]);
                break;
            default:
                kind = "wrong content type";
                string[] types = ["text/plain", "application/xml", "application/json; charset=utf-16", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded"];
                contentType = types[random.Next(types.Length)];
                bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
                break;
        }
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return (new HttpRequestMessage(new HttpMethod(route.Method), route.Path) { Content = content }, kind);
    }

    private static (HttpRequestMessage, string) HostileQuery(Route route, Random random)
    {
        string[] names = ["limit", "cursor", "status", "updatedSince", "from", "to", "entityId", "actor", "country", "q", "limit"];
        var parts = Enumerable.Range(0, random.Next(1, 4)).Select(_ =>
            $"{names[random.Next(names.Length)]}={Uri.EscapeDataString(HostileText(random))}");
        return (new HttpRequestMessage(HttpMethod.Get, route.Path + "?" + string.Join("&", parts)), "query string");
    }

    /// <summary>Replaces one node, chosen at random among all nodes of the document, with <paramref name="value"/>.</summary>
    private static JsonNode Replace(JsonNode root, Random random, JsonNode? value)
    {
        var nodes = new List<JsonNode>();
        void Walk(JsonNode? n)
        {
            if (n is null)
                return;
            nodes.Add(n);
            if (n is JsonObject o)
                foreach (var (_, child) in o.ToList()) Walk(child);
            if (n is JsonArray a)
                foreach (var child in a.ToList()) Walk(child);
        }
        Walk(root);
        // The root itself is never replaced (a bare value as the whole body is among the "wrong shape" cases).
        if (nodes.Count < 2)
            return root;
        var target = nodes[random.Next(1, nodes.Count)];
        if (target.Parent is JsonObject parent)
            parent[target.GetPropertyName()] = value;
        else if (target.Parent is JsonArray array)
            array[target.GetElementIndex()] = value;
        return root;
    }

    private static JsonNode? HostileValue(Random random) => random.Next(12) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(2) == 0),
        2 => JsonValue.Create(new[] { long.MaxValue, long.MinValue, 0, -1, int.MaxValue + 1L }[random.Next(5)]),
        3 => JsonValue.Create(new[] { double.MaxValue, double.Epsilon, -0.0, 1e300, 1.5 }[random.Next(5)]),
        4 => JsonNode.Parse(new[] { "1e400", "-1e400", "99999999999999999999999999999", "0.000000000000000000000000000001" }[random.Next(4)]),
        5 => Deep(random.Next(2, 40)),
        6 => new JsonArray([.. Enumerable.Range(0, random.Next(100, 20_000)).Select(i => (JsonNode?)JsonValue.Create(i))]),
        7 => new JsonObject(Enumerable.Range(0, random.Next(100, 5_000)).Select(i => new KeyValuePair<string, JsonNode?>("k" + i, JsonValue.Create(i)))),
        8 => new JsonObject { ["nested"] = new JsonArray(JsonValue.Create(HostileText(random))) },
        _ => JsonValue.Create(HostileText(random)),
    };

    private static JsonNode Deep(int depth)
    {
        JsonNode node = new JsonArray();
        for (var i = 0; i < depth; i++)
            node = new JsonArray(node);
        return node;
    }

    private static string HostileText(Random random) => random.Next(12) switch
    {
        0 => "",
        1 => new string('x', random.Next(257, 300_000)),
        2 => "\u0000\u0001\u0007\u001b[31m\u007f",
        3 => "\u202e\u202d\u2066\u2069 ‮gnp.exe",
        4 => "\ud800 lone \udfff",
        5 => "' OR 1=1; DROP TABLE \"Claims\"; --",
        6 => "../../../../etc/passwd",
        7 => "💥🏳️‍🌈" + new string('\u0301', random.Next(1, 5_000)),
        8 => Guid.NewGuid().ToString(),
        9 => new[] { "2024-02-30", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "-1", "NaN", "Infinity" }[random.Next(6)],
        10 => random.Next().ToString(),
        _ => "<script>alert(1)</script>%00%ff",
    };

    private static async Task<(int Claims, int Users, int Partners, int Evidence)> CountsAsync(TestApi api)
    {
        await using var db = api.Factory.CreateDb();
        return (await db.Claims.CountAsync(), await db.Users.CountAsync(), await db.Partners.CountAsync(), await db.Evidence.CountAsync());
    }

    private static string Shorten(string s) => s.Length <= 300 ? s : s[..300] + "…";
}
