using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;
using Xunit.Abstractions;

namespace Verification.Api.Tests.Security;

/// <summary>
/// A seeded generator of hostile requests over every JSON route, the upload routes and the query strings of the lists:
/// valid bodies with one part replaced by a wrong type, a huge or tiny number, deep or wide JSON, control characters,
/// right-to-left overrides, lone surrogates or overlong strings; unknown and missing members; bodies cut short, with
/// invalid UTF-8, with trailing bytes or the wrong content type; broken multipart (no or a wrong boundary, truncated,
/// doubled parts, huge part headers, no file, an empty file, hostile file names, a file over the upload limit) on the
/// evidence upload and the import upload; CSV bombs (millions of columns, one gigantic line, unbalanced quotes, invalid
/// UTF-8, formula cells, thousands of rows with some broken) and GeoJSON bombs (deep nesting, huge coordinate arrays,
/// wrong geometry types, NaN and Infinity). Never a 500 or a hang, every refusal a problem document with a status the
/// input allows, nothing written and no file kept but what the accepted requests wrote, and every accepted import
/// finished with its rows accounted for and its errors reported by row. CI runs 2,000 inputs; the long run is
/// <c>VERIFICATION_HOSTILE_INPUTS=10000 dotnet test tests/Verification.Api.Tests --filter "FullyQualifiedName~HostileInputGeneratorTests"</c>
/// (<c>VERIFICATION_HOSTILE_SEED</c> picks another seed, <c>VERIFICATION_HOSTILE_PROVIDER=PostgreSql</c> the other
/// database) and prints the counts per route and per status.
/// </summary>
public sealed class HostileInputGeneratorTests(ITestOutputHelper output)
{
    private static int Inputs => int.TryParse(Environment.GetEnvironmentVariable("VERIFICATION_HOSTILE_INPUTS"), out var n) ? n : 2_000;
    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("VERIFICATION_HOSTILE_SEED"), out var s) ? s : 20_261_205;

    private static DatabaseProvider Provider =>
        Enum.TryParse<DatabaseProvider>(Environment.GetEnvironmentVariable("VERIFICATION_HOSTILE_PROVIDER"), ignoreCase: true, out var p) ? p : DatabaseProvider.Sqlite;

    /// <summary>The upload limit of this host: small enough that a bomb over it costs little, large enough for the 4 MiB record limits of the readers.</summary>
    private const long UploadLimit = 6L * 1024 * 1024;

    /// <summary>No request may take longer: a hang is a finding, not a slow test.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);

    private static readonly HashSet<int> Refusals = [400, 401, 403, 404, 409, 412, 413, 415, 422];

    private sealed record Route(string Method, string Path, HttpClient Client, Func<JsonNode?>? Template, string? Creates = null,
        Func<Random, HostileRequest>? Generate = null)
    {
        public string Name => $"{Method} {System.Text.RegularExpressions.Regex.Replace(Path, "[0-9a-f]{8}-[0-9a-f-]{27}", "{id}")}" + (Generate is null ? "" : " (multipart)");
    }

    [Fact]
    public async Task Generated_hostile_requests_never_cause_a_500_and_refused_ones_write_nothing()
    {
        await using var api = await TestApi.StartAsync(Provider, new Dictionary<string, string?>
        {
            ["Evidence:MaxUploadBytes"] = UploadLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
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
        var uploads = new HostileUploads(UploadLimit);

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
            new("POST", $"/api/v1/claims/{id}/evidence", investigator.Client, () => new JsonObject { ["kind"] = "Testimony", ["stance"] = "Supports", ["testimony"] = new JsonObject { ["text"] = "t", ["witness"] = new JsonObject { ["name"] = "n", ["contact"] = "c" } } }, "evidence"),
            new("POST", $"/api/v1/claims/{id}/evidence", investigator.Client, () => new JsonObject { ["kind"] = "Link", ["url"] = "https://example.org/report", ["origin"] = "o", ["stance"] = "Contradicts", ["title"] = "t" }, "evidence"),
            new("POST", $"/api/v1/claims/{id}/evidence", investigator.Client, null, "evidence", r => uploads.Evidence($"/api/v1/claims/{id}/evidence", r)),
            new("POST", $"/api/v1/claims/{id}/evidence", investigator.Client, null, "evidence", r => uploads.Evidence($"/api/v1/claims/{id}/evidence", r)),
            new("POST", "/api/v1/imports", investigator.Client, null, "imports", uploads.Import),
            new("POST", "/api/v1/imports", coordinator, null, "imports", uploads.Import),
            new("POST", "/api/v1/imports", investigator.Client, null, "imports", uploads.Import),
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
        var created = new Dictionary<string, int> { ["claims"] = 0, ["users"] = 0, ["partners"] = 0, ["evidence"] = 0, ["imports"] = 0 };
        var byStatus = new SortedDictionary<int, int>();
        var byKind = new SortedDictionary<string, SortedDictionary<int, int>>(StringComparer.Ordinal);
        var byRoute = new SortedDictionary<string, SortedDictionary<int, int>>(StringComparer.Ordinal);
        var accepted = new List<(Guid Id, ImportPlan? Plan, string Kind)>();
        var failures = new List<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var slowest = TimeSpan.Zero;
        for (var i = 0; i < Inputs; i++)
        {
            var route = routes[random.Next(routes.Length)];
            var generated = route.Generate is { } generate ? generate(random)
                : route.Template is null ? Plain(HostileQuery(route, random)) : Plain(HostileBody(route, random));
            var request = generated.Request;
            if (route.Generate is null && (route.Path.Contains("/claims/", StringComparison.Ordinal) || route.Path.Contains("/evidence/", StringComparison.Ordinal)))
                request.Headers.TryAddWithoutValidation("If-Match", "\"999\"");
            using var timeout = new CancellationTokenSource(RequestTimeout);
            var started = clock.Elapsed;
            HttpResponseMessage response;
            try
            {
                response = await route.Client.SendAsync(request, timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                failures.Add($"#{i} {route.Name} ({generated.Kind}) → no answer within {RequestTimeout.TotalSeconds} s");
                continue;
            }
            finally
            {
                request.Dispose();
            }
            var took = clock.Elapsed - started;
            if (took > slowest)
                slowest = took;
            var status = (int)response.StatusCode;
            byStatus[status] = byStatus.GetValueOrDefault(status) + 1;
            Count(byKind, generated.Kind, status);
            Count(byRoute, route.Name, status);
            if (route.Creates is { } table && status is 201 or 202)
                created[table]++;
            var body = await response.Content.ReadAsStringAsync();
            var isProblem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
            if (status >= 500 || status >= 400 && !isProblem || status >= 400 && !Refusals.Contains(status)
                || generated.Allowed is { } allowed && !allowed.Contains(status))
                failures.Add($"#{i} {route.Name} ({generated.Kind}) → {status} {Shorten(body)}");
            if (status == 201 && route.Creates == "evidence" && JsonNode.Parse(body)?["fileName"]?.GetValue<string>() is { } fileName
                && (fileName.Contains('/', StringComparison.Ordinal) || fileName.Contains('\0', StringComparison.Ordinal)))
                failures.Add($"#{i} {route.Name} ({generated.Kind}) → a file name with a path or a NUL was kept: {Shorten(fileName)}");
            if (status == 202)
                accepted.Add((JsonNode.Parse(body)!["id"]!.GetValue<Guid>(), generated.Plan, generated.Kind));
        }
        var requestsTook = clock.Elapsed;

        // Every accepted import runs to its end; its rows are accounted for, and its claims are exactly the ones it reports.
        var importCounts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var importedClaims = 0;
        foreach (var (importId, plan, kind) in accepted)
        {
            var import = await FinishedAsync(coordinator, importId);
            var state = import["status"]!.GetValue<string>();
            importCounts[state] = importCounts.GetValueOrDefault(state) + 1;
            int Int(string name) => import[name]?.GetValue<int?>() ?? 0;
            var dryRun = import["dryRun"]!.GetValue<bool>();
            var (total, createdRows, skipped, failed) = (Int("totalRows"), Int(dryRun ? "wouldCreateClaims" : "createdClaims"), Int("skippedRows"), Int("failedRows"));
            await using var db = api.Factory.CreateDb();
            var claims = await db.Claims.CountAsync(c => c.ImportId == importId);
            importedClaims += claims;
            var errors = import["errors"]!.AsArray().Select(e => e!["row"]!.GetValue<int>()).ToList();
            var problems = new List<string>();
            if (claims != (dryRun ? 0 : createdRows))
                problems.Add($"{claims} claims name it, it reports {createdRows} created (dry run: {dryRun})");
            if (state == "Failed" && claims != 0)
                problems.Add("it failed but left claims");
            if (state == "Succeeded" && (total != createdRows + skipped + failed || Int("processedRows") != total))
                problems.Add($"rows do not add up: total {total}, processed {Int("processedRows")}, created {createdRows}, skipped {skipped}, failed {failed}");
            if (state == "Succeeded" && failed > 0 && errors.Count == 0)
                problems.Add($"{failed} failed rows but no error reported");
            if (errors.Any(r => r < 1 || r > total) || errors.Distinct().Count() > failed)
                problems.Add($"errors name rows outside the file or more rows than failed: {string.Join(",", errors.Distinct().Take(10))}");
            if (errors.Count < 1000 && errors.Distinct().Count() != failed)
                problems.Add($"{failed} failed rows but errors on {errors.Distinct().Count()} rows");
            if (plan is { MustFail: true } && state != "Failed")
                problems.Add("a file broken past its first block did not fail");
            if (dryRun && Int("createdClaims") != 0)
                problems.Add("a dry run reports created claims");
            if (plan is { Rows: { } rows, MustFail: false } && !(plan.MayFail && state == "Failed") && (state != "Succeeded" || total != rows))
                problems.Add($"expected {rows} rows and Succeeded, got {state} with {total}: {Shorten(import["failureReason"]?.ToString() ?? "")}");
            if (plan is { BadRows: { } bad, MustFail: false } && state == "Succeeded" && (!bad.SetEquals(errors.Distinct()) || skipped != 0))
                problems.Add($"expected errors on rows {string.Join(",", bad.Take(10))}, got {string.Join(",", errors.Distinct().Take(10))} (skipped {skipped})");
            if (problems.Count > 0)
                failures.Add($"import {importId} ({kind}, {plan?.Format}): {string.Join("; ", problems)}; {Shorten(import.ToJsonString())}");
        }

        var after = await CountsAsync(api);
        var files = StoredFiles(api);
        await using (var db = api.Factory.CreateDb())
        {
            var named = (await db.Evidence.Where(e => e.HasContent).Select(e => e.Sha256).ToListAsync())
                .Concat(await db.Imports.Select(x => x.FileSha256).ToListAsync()).ToHashSet();
            var leftovers = files.Stored.Where(f => !named.Contains(f)).ToList();
            if (leftovers.Count > 0)
                failures.Add($"{leftovers.Count} stored files that no row names: {string.Join(", ", leftovers.Take(5))}");
            if (named.Any(n => !files.Stored.Contains(n)))
                failures.Add("a row names a file that is not stored");
        }
        if (files.Temporary.Count > 0)
            failures.Add($"{files.Temporary.Count} files left in the store's temporary folder: {string.Join(", ", files.Temporary.Take(5))}");

        output.WriteLine($"seed {Seed}, {Provider}: {Inputs} hostile requests over {routes.Length} routes in {requestsTook.TotalSeconds:F0} s (slowest {slowest.TotalSeconds:F1} s)");
        output.WriteLine("by status: " + string.Join(", ", byStatus.Select(p => $"{p.Key}: {p.Value}")));
        output.WriteLine("by route:");
        foreach (var (name, counts) in byRoute)
            output.WriteLine($"  {name}: {Format(counts)}");
        output.WriteLine("by kind:");
        foreach (var (name, counts) in byKind)
            output.WriteLine($"  {name}: {Format(counts)}");
        output.WriteLine($"accepted imports: {accepted.Count} ({string.Join(", ", importCounts.Select(p => $"{p.Key} {p.Value}"))}), claims they created: {importedClaims}");
        output.WriteLine($"500s: {byStatus.Where(p => p.Key >= 500).Sum(p => p.Value)}; created by accepted requests: {string.Join(", ", created.Select(p => $"{p.Key} {p.Value}"))}");
        output.WriteLine($"stored files {files.Stored.Count} (all named by a row), temporary files {files.Temporary.Count}");
        Console.WriteLine($"[hostile inputs] seed {Seed}, {Provider}, {Inputs} requests; by status {string.Join(", ", byStatus.Select(p => $"{p.Key}: {p.Value}"))}; "
            + $"imports {string.Join(", ", importCounts.Select(p => $"{p.Key} {p.Value}"))}; failures {failures.Count}");
        Assert.True(failures.Count == 0, $"{failures.Count} failures:{Environment.NewLine}" + string.Join(Environment.NewLine, failures.Take(30)));
        Assert.Equal(before.Claims + created["claims"] + importedClaims, after.Claims);
        Assert.Equal(before.Users + created["users"], after.Users);
        Assert.Equal(before.Partners + created["partners"], after.Partners);
        Assert.Equal(before.Evidence + created["evidence"], after.Evidence);
        Assert.Equal(before.Imports + created["imports"], after.Imports);
    }

    private static HostileRequest Plain((HttpRequestMessage Request, string Kind) generated) => new(generated.Request, generated.Kind);

    private static void Count(SortedDictionary<string, SortedDictionary<int, int>> table, string key, int status)
    {
        if (!table.TryGetValue(key, out var counts))
            table[key] = counts = [];
        counts[status] = counts.GetValueOrDefault(status) + 1;
    }

    private static string Format(SortedDictionary<int, int> counts) =>
        $"{counts.Values.Sum()} = " + string.Join(", ", counts.Select(p => $"{p.Key}: {p.Value}"));

    private static async Task<JsonNode> FinishedAsync(HttpClient client, Guid importId)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            var import = JsonNode.Parse(await client.GetStringAsync($"/api/v1/imports/{importId}"))!;
            if (import["status"]!.GetValue<string>() is "Succeeded" or "Failed")
                return import;
            Assert.True(DateTime.UtcNow < deadline, $"import {importId} did not finish within 5 minutes: {Shorten(import.ToJsonString())}");
            await Task.Delay(200);
        }
    }

    /// <summary>The hashes stored in the evidence store (where imports keep their files too), and what is left in its temporary folder.</summary>
    private static (HashSet<string> Stored, List<string> Temporary) StoredFiles(TestApi api)
    {
        var root = api.Factory.EvidencePath;
        var temp = Path.Combine(root, ".tmp");
        var stored = Directory.Exists(root)
            ? Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Where(f => !f.StartsWith(temp, StringComparison.Ordinal)).Select(f => Path.GetFileName(f)).ToHashSet()
            : [];
        var temporary = Directory.Exists(temp) ? Directory.EnumerateFiles(temp).Select(f => Path.GetFileName(f)).ToList() : [];
        return (stored, temporary);
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
    internal static JsonNode Replace(JsonNode root, Random random, JsonNode? value)
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

    internal static JsonNode? HostileValue(Random random) => random.Next(12) switch
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

    internal static string HostileText(Random random) => random.Next(12) switch
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

    private static async Task<(int Claims, int Users, int Partners, int Evidence, int Imports)> CountsAsync(TestApi api)
    {
        await using var db = api.Factory.CreateDb();
        return (await db.Claims.CountAsync(), await db.Users.CountAsync(), await db.Partners.CountAsync(), await db.Evidence.CountAsync(),
            await db.Imports.CountAsync());
    }

    private static string Shorten(string s) => s.Length <= 300 ? s : s[..300] + "…";
}
