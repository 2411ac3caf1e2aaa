using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;
using Verification.Api.Features.Partners;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Partners;

public sealed class PartnerExportTests
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Exports_in_ndjson_csv_and_geojson_parse_back_and_hold_exactly_the_decided_claims_that_match(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        var partner = await world.NewPartnerAsync("Restricted");
        var kidal = await world.DecidedAsync();
        var withoutCoordinates = Kidal.Claim();
        withoutCoordinates["title"] = "=HYPERLINK(\"https://example.org\"); a title a spreadsheet would run";
        var location = withoutCoordinates["incident"]!["location"]!.AsObject();
        location.Remove("latitude");
        location.Remove("longitude");
        var noPoint = await world.DecidedAsync(withoutCoordinates);
        var elsewhere = Kidal.Claim();
        elsewhere["incident"]!["location"]!["countryCode"] = "BF";
        await world.DecidedAsync(elsewhere);
        await world.InCorroborationAsync(); // in Mali, not decided
        Guid[] expected = [kidal, noPoint];

        // ndjson: one JSON document per line.
        var ndjson = await ExportAsync(partner.Client, "ndjson", "application/x-ndjson");
        var lines = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(expected, lines.Select(l => l.GetProperty("id").GetGuid()));
        Assert.Equal(18.4411, lines[0].GetProperty("incident").GetProperty("location").GetProperty("latitude").GetDouble());

        // csv: read back with CsvHelper (RFC 4180), every documented column present, the lists split back.
        var csvText = await ExportAsync(partner.Client, "csv", "text/csv");
        using var csv = CsvReader.Create(new StringReader(csvText), CsvReaderOptions.Default, leaveOpen: false);
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read())
            rows.Add(PartnerExportFormats.CsvColumns.ToDictionary(c => c, c => csv.GetString(c)));
        Assert.Equal(PartnerExportFormats.CsvColumns, csv.Headers.ToArray());
        Assert.Equal(expected, rows.Select(r => Guid.Parse(r["id"])));
        var first = rows[0];
        Assert.Equal(Kidal.Claim()["summary"]!.GetValue<string>(), first["summary"]);
        Assert.Equal(["Malian Armed Forces (FAMa)", "Wagner Group"], PartnerExportFormats.SplitList(first["perpetrators.name"]));
        Assert.Equal(["StateForce", "ForeignOrPrivateMilitary"], PartnerExportFormats.SplitList(first["perpetrators.type"]));
        Assert.Equal(1.4078, double.Parse(first["incident.location.longitude"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("Weak", first["verdict.rating"]);
        Assert.Equal("2024-03-29", first["incident.startDate"]);
        Assert.Equal(string.Empty, rows[1]["incident.location.latitude"]);
        // A cell a spreadsheet would run as a formula is written as text (OWASP CSV injection).
        Assert.Equal("'" + withoutCoordinates["title"]!.GetValue<string>(), rows[1]["title"]);

        // geojson: a FeatureCollection, one Feature per claim, [longitude, latitude] or a null geometry.
        var geojson = JsonDocument.Parse(await ExportAsync(partner.Client, "geojson", "application/geo+json")).RootElement;
        Assert.Equal("FeatureCollection", geojson.GetProperty("type").GetString());
        var features = geojson.GetProperty("features").EnumerateArray().ToList();
        Assert.All(features, f => Assert.Equal("Feature", f.GetProperty("type").GetString()));
        Assert.Equal(expected, features.Select(f => f.GetProperty("properties").GetProperty("id").GetGuid()));
        Assert.Equal([1.4078, 18.4411], features[0].GetProperty("geometry").GetProperty("coordinates").EnumerateArray().Select(c => c.GetDouble()));
        Assert.Equal("Point", features[0].GetProperty("geometry").GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, features[1].GetProperty("geometry").ValueKind);

        // The filters are the list's: a rating that no Malian claim has gives an empty, still well-formed export.
        var none = JsonDocument.Parse(await ExportAsync(partner.Client, "geojson", "application/geo+json", "&rating=Confirmed")).RootElement;
        Assert.Empty(none.GetProperty("features").EnumerateArray());
        Assert.Equal(string.Join(",", PartnerExportFormats.CsvColumns),
            (await ExportAsync(partner.Client, "csv", "text/csv", "&rating=Confirmed")).TrimEnd());
        await Expect.ValidationProblem(await partner.Client.GetAsync("/api/v1/partner/exports/claims?format=xlsx"), "format");
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task An_export_is_one_audit_entry_and_a_Shared_custody_event_on_each_evidence_item_it_exposed(DatabaseProvider provider)
    {
        // On each provider: every exported evidence summary becomes exactly one Shared custody event.
        await using var world = await PartnerWorld.StartAsync(provider);
        var partner = await world.NewPartnerAsync();
        var claim = await world.FullyEvidencedAsync();

        var export = await partner.Client.GetAsync("/api/v1/partner/exports/claims?format=csv&countryCode=ML");
        await Expect.Status(export, HttpStatusCode.OK);
        await export.Content.ReadAsStringAsync();
        var exportId = Guid.Parse(export.Headers.GetValues("X-Export-Id").Single());

        var audit = await (await world.Coordinator.GetAsync($"/api/v1/audit?actor=partner:{partner.Id}")).Json();
        var entry = Assert.Single(audit.GetProperty("items").EnumerateArray());
        Assert.Equal("ExportPartnerClaims", entry.GetProperty("action").GetString());
        Assert.Equal(exportId.ToString(), entry.GetProperty("targetId").GetString());
        Assert.True((await (await world.Coordinator.GetAsync("/api/v1/audit/verify")).Json()).GetProperty("valid").GetBoolean());

        foreach (var evidence in claim.AcceptedEvidence)
        {
            var custody = await (await world.Coordinator.GetAsync($"/api/v1/evidence/{evidence}/custody")).Json();
            var shared = Assert.Single(custody.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "Shared");
            Assert.Contains(exportId.ToString(), shared.GetProperty("details").GetString());
            Assert.Contains(partner.Id.ToString(), shared.GetProperty("details").GetString());
        }
        foreach (var evidence in claim.HiddenEvidence)
        {
            var custody = await (await world.Coordinator.GetAsync($"/api/v1/evidence/{evidence}/custody")).Json();
            Assert.DoesNotContain(custody.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "Shared");
        }
    }

    private static async Task<string> ExportAsync(HttpClient client, string format, string mediaType, string filters = "")
    {
        var response = await client.GetAsync($"/api/v1/partner/exports/claims?format={format}&countryCode=ML{filters}");
        await Expect.Status(response, HttpStatusCode.OK);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("attachment;", response.Content.Headers.ContentDisposition?.ToString() ?? string.Empty);
        return Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
    }
}
