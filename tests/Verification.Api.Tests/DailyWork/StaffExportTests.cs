using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Verification.Api.Tests.Infrastructure;
using Verification.Api.Tests.Partners;
using Verification.Persistence;

namespace Verification.Api.Tests.DailyWork;

/// <summary>GET /exports/claims: every stage and the internal fields for reviewers and coordinators, in three formats, never a witness or a comment.</summary>
public sealed class StaffExportTests
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_staff_export_has_every_stage_and_the_internal_fields_and_never_a_witness_or_a_comment(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        var decided = await world.FullyEvidencedAsync();
        var accented = Kidal.Claim();
        accented["title"] = "Frappe près de Ségou";
        var (submitted, etag) = await world.Investigator.Client.SubmitClaimAsync(accented);
        var submittedId = submitted.GetProperty("id").GetGuid();
        await Expect.Status(await world.Coordinator.SendWithIfMatch(HttpMethod.Put, $"/api/v1/claims/{submittedId}/reviewer",
            new { userId = world.Reviewer.Id }, etag), HttpStatusCode.OK);
        var comment = $"Comment for colleagues only {Guid.NewGuid():N}";
        foreach (var id in new[] { decided.Id, submittedId })
            await Expect.Status(await world.Reviewer.Client.PostAsJsonAsync($"/api/v1/claims/{id}/comments", new { text = comment }), HttpStatusCode.Created);
        // The staff ids are internal fields a staff export carries; the witness, the testimony, the file and the comment never.
        string[] never = [.. decided.Secrets.Where(s => !world.StaffIds.Any(id => id.ToString() == s) && s != "/content"), comment];

        var ndjson = await world.Reviewer.Client.GetAsync("/api/v1/exports/claims?format=ndjson");
        await Expect.Status(ndjson, HttpStatusCode.OK);
        Assert.Equal("application/x-ndjson", ndjson.Content.Headers.ContentType?.MediaType);
        var exportId = Guid.Parse(ndjson.Headers.GetValues("X-Export-Id").Single());
        var text = await ndjson.Content.ReadAsStringAsync();
        AssertNone(never, text);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var decidedLine = Assert.Single(lines, l => l.GetProperty("id").GetGuid() == decided.Id);
        Assert.Equal("Decided", decidedLine.GetProperty("status").GetString());
        Assert.Equal(world.Investigator.Id, decidedLine.GetProperty("submittedBy").GetGuid());
        Assert.Equal("Fair", decidedLine.GetProperty("verdict").GetProperty("rating").GetString());
        var submittedLine = Assert.Single(lines, l => l.GetProperty("id").GetGuid() == submittedId);
        Assert.Equal("Submitted", submittedLine.GetProperty("status").GetString());
        Assert.Equal("Frappe près de Ségou", submittedLine.GetProperty("title").GetString());
        Assert.Equal(world.Reviewer.Email, submittedLine.GetProperty("reviewer").GetProperty("email").GetString());
        Assert.NotEqual(JsonValueKind.Null, submittedLine.GetProperty("dueAt").ValueKind);
        Assert.False(submittedLine.TryGetProperty("comments", out _));

        // The list's filters apply.
        var filtered = await (await world.Reviewer.Client.GetAsync("/api/v1/exports/claims?format=ndjson&status=Submitted")).Content.ReadAsStringAsync();
        Assert.All(filtered.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            l => Assert.Equal("Submitted", JsonDocument.Parse(l).RootElement.GetProperty("status").GetString()));
        Assert.Contains(submittedId.ToString(), filtered);

        // CSV with a byte-order mark, for spreadsheets; without one by default.
        var csv = await world.Coordinator.GetAsync("/api/v1/exports/claims?format=csv&bom=true");
        await Expect.Status(csv, HttpStatusCode.OK);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var csvBytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(Bom, csvBytes[..3]);
        var csvText = Encoding.UTF8.GetString(csvBytes, 3, csvBytes.Length - 3);
        Assert.StartsWith("id,reference,status,version,submittedBy,", csvText);
        Assert.Contains("Frappe près de Ségou", csvText);
        Assert.Contains(world.Reviewer.Email, csvText);
        AssertNone(never, csvText);
        Assert.Equal(lines.Count + 1, csvText.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        var plain = await (await world.Coordinator.GetAsync("/api/v1/exports/claims?format=csv")).Content.ReadAsByteArrayAsync();
        Assert.Equal((byte)'i', plain[0]);

        var geojson = await world.Reviewer.Client.GetAsync("/api/v1/exports/claims?format=geojson&bom=false");
        await Expect.Status(geojson, HttpStatusCode.OK);
        Assert.Equal("application/geo+json", geojson.Content.Headers.ContentType?.MediaType);
        var geoText = await geojson.Content.ReadAsStringAsync();
        AssertNone(never, geoText);
        var collection = JsonDocument.Parse(geoText).RootElement;
        Assert.Equal("FeatureCollection", collection.GetProperty("type").GetString());
        var features = collection.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(lines.Count, features.Count);
        var feature = Assert.Single(features, f => f.GetProperty("id").GetGuid() == submittedId);
        Assert.Equal("Point", feature.GetProperty("geometry").GetProperty("type").GetString());
        var location = submittedLine.GetProperty("incident").GetProperty("location");
        Assert.Equal([location.GetProperty("longitude").GetDouble(), location.GetProperty("latitude").GetDouble()],
            feature.GetProperty("geometry").GetProperty("coordinates").EnumerateArray().Select(c => c.GetDouble()));
        Assert.Equal("Submitted", feature.GetProperty("properties").GetProperty("status").GetString());

        // Audited: one entry per export, naming the caller and the export.
        var audit = await (await world.Coordinator.GetAsync($"/api/v1/audit?actor=user:{world.Reviewer.Id}&limit=200")).Json();
        Assert.Contains(audit.GetProperty("items").EnumerateArray(),
            e => e.GetProperty("action").GetString() == "ExportClaims" && e.GetProperty("targetId").GetString() == exportId.ToString());
        Assert.Equal(3, audit.GetProperty("items").EnumerateArray().Count(e => e.GetProperty("action").GetString() == "ExportClaims"));

        // Refusals: the format, investigators, partners, anonymous callers.
        await Expect.ValidationProblem(await world.Reviewer.Client.GetAsync("/api/v1/exports/claims?format=xml"), "format");
        await Expect.Problem(await world.Investigator.Client.GetAsync("/api/v1/exports/claims"), HttpStatusCode.Forbidden);
        var partner = await world.NewPartnerAsync("Restricted");
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.Client.GetAsync("/api/v1/exports/claims")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await world.Api.Anonymous.GetAsync("/api/v1/exports/claims")).StatusCode);
    }

    private static void AssertNone(IEnumerable<string> never, string body)
    {
        foreach (var secret in never)
            Assert.DoesNotContain(secret, body);
    }
}
