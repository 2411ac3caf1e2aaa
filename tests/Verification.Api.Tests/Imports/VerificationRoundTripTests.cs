using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Net;
using Verification.Api.Features.Claims;
using Verification.Api.Tests.Partners;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Imports;

/// <summary>
/// What one instance's partner export writes imports into another instance with every field intact: the files are
/// fetched from <c>GET /api/v1/partner/exports/claims</c> (the only writer there is) and uploaded to
/// <c>POST /api/v1/imports</c> on a second instance as verification-csv and verification-ndjson.
/// </summary>
public sealed class VerificationRoundTripTests
{
    private static readonly JsonSerializerOptions ApiJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_partner_export_imports_into_another_instance_in_both_formats_with_every_field(DatabaseProvider provider)
    {
        await using var source = await PartnerWorld.StartAsync(provider);
        var exported = await DecidedClaimsAsync(source);
        // Restricted: coordinates as recorded, so that they can be compared exactly.
        var partner = await source.NewPartnerAsync("Restricted");

        foreach (var (format, fileName) in new[] { ("csv", "claims.csv"), ("ndjson", "claims.ndjson") })
        {
            var response = await partner.Client.GetAsync($"/api/v1/partner/exports/claims?format={format}");
            await Expect.Status(response, HttpStatusCode.OK);
            var file = await response.Content.ReadAsByteArrayAsync();
            await ImportsIntoAnEmptyInstanceAsync(exported, file, fileName, $"verification-{format}");
        }
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
            var copy = imported[$"verification:{original.Reference}"];
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

    /// <summary>
    /// Decided claims in the source instance, each with the harm the verdict found equal to the claim's (a partner is
    /// shown the verdict's), and with the awkward parts of the format: separators, brackets, line breaks, quotes, text a
    /// spreadsheet would take for a formula.
    /// </summary>
    private static async Task<List<ClaimResponse>> DecidedClaimsAsync(PartnerWorld world)
    {
        var claims = new List<ClaimResponse>();
        foreach (var body in ClaimBodies())
        {
            var (id, _, etag) = await world.InCorroborationAsync(body);
            await world.DecideAsync(id, etag, "Weak", body["harm"]);
            var stored = await world.Investigator.Client.GetAsync($"/api/v1/claims/{id}");
            claims.Add((await stored.Json()).Deserialize<ClaimResponse>(ApiJson)!);
        }
        return claims;
    }

    private static IEnumerable<JsonObject> ClaimBodies()
    {
        var awkward = Kidal.Claim("partner-x:17");
        awkward["title"] = "-Shelling of the market in \"Ménaka\"; 3 days, 2 towns";
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

        var formula = Kidal.Claim();
        formula["title"] = "=HYPERLINK(\"https://example.org\") is what a spreadsheet would run";
        formula["summary"] = "@once more; +twice";

        return [Kidal.Claim(), awkward, precise, formula];
    }
}
