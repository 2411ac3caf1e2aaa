using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CsvHelper;
using Verification.Api.Features.Claims;
using Verification.Api.Features.Imports;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Imports;

/// <summary>
/// Claims written in verification-csv or verification-ndjson by one instance import into an empty one with every
/// field intact. The files are written with <see cref="VerificationRecordFormat"/>, the writer the partner export uses.
/// </summary>
public sealed class VerificationRoundTripTests
{
    private static readonly JsonSerializerOptions ApiJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    [Fact]
    public async Task Claims_exported_as_verification_csv_import_into_an_empty_instance_with_every_field()
    {
        var exported = await ExportedClaimsAsync();
        using var file = new MemoryStream();
        using (var writer = CsvWriter.Create(file, CsvWriterOptions.Default, leaveOpen: true))
        {
            foreach (var column in VerificationRecordFormat.CsvColumns)
                writer.WriteField(column);
            writer.EndRecord();
            foreach (var claim in exported)
            {
                foreach (var field in VerificationRecordFormat.ToCsvFields(VerificationRecord.From(claim)))
                    writer.WriteField(field);
                writer.EndRecord();
            }
        }

        await ImportsIntoAnEmptyInstanceAsync(exported, file.ToArray(), "claims.csv", "verification-csv");
    }

    [Fact]
    public async Task Claims_exported_as_verification_ndjson_import_into_an_empty_instance_with_every_field()
    {
        var exported = await ExportedClaimsAsync();
        var ndjson = string.Concat(exported.Select(c => VerificationRecordFormat.ToNdjsonLine(VerificationRecord.From(c)) + "\n"));

        await ImportsIntoAnEmptyInstanceAsync(exported, Encoding.UTF8.GetBytes(ndjson), "claims.ndjson", "verification-ndjson");
    }

    private static async Task ImportsIntoAnEmptyInstanceAsync(List<ClaimResponse> exported, byte[] file, string fileName, string format)
    {
        await using var target = await TestApi.StartAsync(DatabaseProvider.Sqlite);
        var importer = await target.NewPersonAsync("Investigator");
        var import = await importer.Client.FinishedAsync(await Importing.AcceptedAsync(
            await importer.Client.UploadAsync(file, fileName, new { format })));

        Assert.Equal("Succeeded", import.Str("status"));
        Assert.True(import.Int("failedRows") == 0, import.GetProperty("errors").ToString());
        Assert.Equal(exported.Count, import.Int("createdClaims"));
        var imported = (await importer.Client.ClaimsOfAsync(import.GetProperty("id").GetGuid()))
            .Select(c => c.Deserialize<ClaimResponse>(ApiJson)!)
            .ToDictionary(c => c.ExternalId!);
        foreach (var original in exported)
        {
            var copy = imported[original.ExternalId ?? $"verification:{original.Reference}"];
            Assert.Equal(original.Title, copy.Title);
            Assert.Equal(original.Summary, copy.Summary);
            Assert.Equal(original.ViolationTypes, copy.ViolationTypes);
            Assert.Equal(original.Incident, copy.Incident);
            Assert.Equal(original.Perpetrators, copy.Perpetrators);
            Assert.Equal(original.Harm, copy.Harm);
            Assert.Equal(original.Sources, copy.Sources);
            Assert.Equal("Submitted", copy.Status.ToString());
            Assert.Equal(importer.Id, copy.SubmittedBy);
        }

        // The same file again creates nothing: every row is already there under its external id.
        var again = await importer.Client.FinishedAsync(await Importing.AcceptedAsync(
            await importer.Client.UploadAsync(file, fileName, new { format })));
        Assert.Equal(0, again.Int("createdClaims"));
        Assert.Equal(exported.Count, again.Int("skippedRows"));
    }

    /// <summary>Three claims in a source instance, with the awkward parts of the format: separators, brackets, line breaks, quotes.</summary>
    private static async Task<List<ClaimResponse>> ExportedClaimsAsync()
    {
        await using var source = await TestApi.StartAsync(DatabaseProvider.Sqlite);
        var investigator = await source.NewPersonAsync("Investigator");

        var awkward = Kidal.Claim("partner-x:17");
        awkward["title"] = "Shelling of the market in \"Ménaka\"; 3 days, 2 towns";
        awkward["summary"] = "Line one, with a comma.\nLine two; with a semicolon, \"quotes\" and a backslash \\ here.\r\nLine three.";
        awkward["violationTypes"] = new JsonArray("AttackCivilianHarm", "AttackOnProtectedObject", "ForcedDisplacement");
        awkward["incident"] = new JsonObject
        {
            ["startDate"] = "2023-11-01",
            ["endDate"] = "2023-11-30",
            ["timePrecision"] = "Month",
            ["location"] = new JsonObject
            {
                ["placeName"] = "Ménaka (market, east side)",
                ["countryCode"] = "ML",
                ["admin1"] = "Ménaka",
                ["admin2"] = "Ménaka cercle",
                ["geoPrecision"] = "Region",
            },
        };
        awkward["perpetrators"] = new JsonArray(
            new JsonObject { ["name"] = "Islamic State Sahel Province (ISSP); also IS-Sahel", ["type"] = "NonStateArmedGroup" },
            new JsonObject { ["name"] = "Unknown armed men (\\ <unconfirmed>)", ["type"] = "Unknown" });
        awkward["harm"] = new JsonObject
        {
            ["killedMin"] = 12,
            ["killedMax"] = 30,
            ["injuredMin"] = 5,
            ["injuredMax"] = 40,
            ["civiliansKilledMin"] = 10,
            ["civiliansKilledMax"] = 25,
            ["childrenKilledMin"] = 2,
            ["childrenKilledMax"] = 6,
            ["womenKilledMin"] = 1,
            ["womenKilledMax"] = 8,
        };
        awkward["sources"] = new JsonArray(
            new JsonObject { ["type"] = "NgoReport", ["description"] = "Report <p. 4>; annex: A: B", ["url"] = "https://example.org/report?id=4&lang=fr" },
            new JsonObject { ["type"] = "Witness" },
            new JsonObject { ["type"] = "SocialMedia", ["url"] = "https://example.org/post/1" });

        var precise = Kidal.Claim();
        precise["title"] = "Strike near Kidal with precise coordinates";
        ((JsonObject)precise["incident"]!["location"]!)["latitude"] = -12.3456789;
        ((JsonObject)precise["incident"]!["location"]!)["longitude"] = 179.999999;
        ((JsonObject)precise["incident"]!["location"]!)["geoPrecision"] = "Exact";

        var claims = new List<ClaimResponse>();
        foreach (var body in new[] { Kidal.Claim(), awkward, precise })
        {
            var (created, _) = await investigator.Client.SubmitClaimAsync(body);
            claims.Add(created.Deserialize<ClaimResponse>(ApiJson)!);
        }
        return claims;
    }
}
