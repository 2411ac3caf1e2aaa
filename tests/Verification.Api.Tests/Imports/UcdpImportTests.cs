using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Infrastructure.Storage;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;
using Xunit.Abstractions;

namespace Verification.Api.Tests.Imports;

/// <summary>The real UCDP GED sample (1,848 events in the Central African Republic), imported whole over HTTP.</summary>
public sealed class UcdpImportTests(ITestOutputHelper output)
{
    private const string Attribution = "Uppsala Conflict Data Program (UCDP), Uppsala University, Georeferenced Event Dataset 23.1";

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task The_UCDP_CSV_becomes_one_claim_per_event_traceable_to_its_file_and_a_second_import_creates_none(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var options = new { format = "ucdp-ged-csv", dryRun = false, datasetVersion = "23.1" };

        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var id = await investigator.Client.StartImportAsync(Importing.UcdpCsv, options);
        var import = await investigator.Client.FinishedAsync(id);
        output.WriteLine($"{provider}, ucdp-ged-csv: {Importing.Rate(import)}; {Importing.CpuRate(cpu)}");

        Assert.Equal("Succeeded", import.Str("status"));
        Assert.Equal("ucdp-ged-csv", import.Str("format"));
        Assert.Equal(Importing.UcdpEvents, import.Int("totalRows"));
        Assert.Equal(Importing.UcdpEvents, import.Int("processedRows"));
        Assert.Equal(Importing.UcdpEvents, import.Int("createdClaims") + import.Int("failedRows") + import.Int("skippedRows"));
        Assert.True(import.Int("failedRows") == 0, $"every sample event maps to a claim: {import.GetProperty("errors")}");

        // The file is kept, byte for byte, under the SHA-256 the import names.
        var bytes = await File.ReadAllBytesAsync(Importing.UcdpCsv);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Assert.Equal(sha256, import.Str("fileSha256"));
        var store = api.Factory.Services.GetRequiredService<EvidenceStore>();
        Assert.Equal(bytes, await File.ReadAllBytesAsync(store.PathFor(sha256)));

        var claims = await investigator.Client.ClaimsOfAsync(id);
        Assert.Equal(import.Int("createdClaims"), claims.Count);
        Assert.All(claims, c =>
        {
            Assert.Equal("Submitted", c.Str("status"));
            Assert.Equal(investigator.Id, c.GetProperty("submittedBy").GetGuid());
            Assert.Equal(id, c.GetProperty("importId").GetGuid());
            Assert.StartsWith("ucdp-ged:", c.Str("externalId"));
            Assert.Contains(Attribution, c.Str("summary"));
        });
        Assert.Equal(claims.Count, claims.Select(c => c.Str("externalId")).Distinct().Count());
        UcdpSpotChecks.Verify(claims);

        var again = await investigator.Client.FinishedAsync(await investigator.Client.StartImportAsync(Importing.UcdpCsv, options));
        Assert.Equal("Succeeded", again.Str("status"));
        Assert.Equal(0, again.Int("createdClaims"));
        Assert.Equal(Importing.UcdpEvents, again.Int("skippedRows"));
        Assert.Empty(await investigator.Client.ClaimsOfAsync(again.GetProperty("id").GetGuid()));
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task The_UCDP_GeoJSON_imports_the_same_events_as_the_CSV_so_the_CSV_afterwards_creates_none(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider);
        var investigator = await api.NewPersonAsync("Investigator");

        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var id = await investigator.Client.StartImportAsync(Importing.UcdpGeojson, new { format = "ucdp-ged-geojson", datasetVersion = "23.1" });
        var import = await investigator.Client.FinishedAsync(id);
        output.WriteLine($"{provider}, ucdp-ged-geojson: {Importing.Rate(import)}; {Importing.CpuRate(cpu)}");

        Assert.Equal("Succeeded", import.Str("status"));
        Assert.Equal(Importing.UcdpEvents, import.Int("totalRows"));
        Assert.Equal(Importing.UcdpEvents, import.Int("createdClaims") + import.Int("failedRows") + import.Int("skippedRows"));
        Assert.True(import.Int("failedRows") == 0, $"every sample event maps to a claim: {import.GetProperty("errors")}");
        Assert.Equal("50d8777d20bfae5be57e96dd49289483c70f8cbf6afd8d7962a8a6cb4c8d6bc0", import.Str("fileSha256")); // docs/samples/README.md
        var claims = await investigator.Client.ClaimsOfAsync(id);
        Assert.Equal(import.Int("createdClaims"), claims.Count);
        UcdpSpotChecks.Verify(claims);

        var csv = await investigator.Client.FinishedAsync(
            await investigator.Client.StartImportAsync(Importing.UcdpCsv, new { format = "ucdp-ged-csv", datasetVersion = "23.1" }));
        Assert.Equal(0, csv.Int("createdClaims"));
        Assert.Equal(Importing.UcdpEvents, csv.Int("skippedRows"));
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_dry_run_validates_and_counts_every_row_but_writes_no_claim(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider);
        var investigator = await api.NewPersonAsync("Investigator");

        var import = await investigator.Client.FinishedAsync(
            await investigator.Client.StartImportAsync(Importing.UcdpCsv, new { format = "ucdp-ged-csv", dryRun = true }));

        Assert.Equal("Succeeded", import.Str("status"));
        Assert.True(import.GetProperty("dryRun").GetBoolean());
        Assert.Equal(Importing.UcdpEvents, import.Int("processedRows"));
        Assert.Equal(0, import.Int("createdClaims"));
        Assert.Equal(Importing.UcdpEvents, import.Int("wouldCreateClaims"));
        var all = await (await api.CoordinatorAsync()).GetAsync("/api/v1/claims");
        Assert.Empty((await all.Json()).GetProperty("items").EnumerateArray());
    }
}

/// <summary>Events of the sample checked field by field against their source rows (values copied from events.csv).</summary>
internal static class UcdpSpotChecks
{
    public static void Verify(List<JsonElement> claims)
    {
        var byId = claims.ToDictionary(c => c.Str("externalId")!);

        // One-sided violence by an armed group, 14 news reports; low 72, best 108, high 115, civilians 108.
        var bangassou = byId["ucdp-ged:238093"];
        Assert.Equal(["UnlawfulKilling"], Strings(bangassou, "violationTypes"));
        Incident(bangassou, "2017-05-13", "2017-05-13", "Day");
        Place(bangassou, "Bangassou town", "Mbomou province", "Bangassou region", 4.838954, 23.117389, "Exact");
        Perpetrator(bangassou, "anti-Balaka", "NonStateArmedGroup");
        Harm(bangassou, 72, 115, 108, 108);
        var sources = bangassou.GetProperty("sources").EnumerateArray().ToList();
        Assert.Equal(15, sources.Count); // the dataset's own entry and 14 articles
        Assert.All(sources, s => Assert.Equal("Other", s.Str("type")));
        Assert.Contains("event 238093", sources[0].Str("description"));
        Assert.Contains(sources, s => s.Str("description") == "Reuters News,2017-05-15,Central African Republic death toll could reach 30: U.N.");
        Assert.StartsWith("anti-Balaka – one-sided violence against civilians in Bangassou town", bangassou.Str("title"));

        // One-sided violence by the government: a state force; low 0, best 0, high 20.
        var bangui = byId["ucdp-ged:22782"];
        Assert.Equal(["UnlawfulKilling"], Strings(bangui, "violationTypes"));
        Incident(bangui, "1991-08-08", "1991-08-08", "Day");
        Place(bangui, "Bangui city", "Bangui province", "Bangui region", 4.366667, 18.583333, "Exact");
        Perpetrator(bangui, "Government of Central African Republic", "StateForce");
        Harm(bangui, 0, 20, 0, 0);

        // Non-state conflict known to the month (date_prec 4).
        var bria = byId["ucdp-ged:29595"];
        Assert.Equal(["AttackCivilianHarm"], Strings(bria, "violationTypes"));
        Incident(bria, "2011-09-11", "2011-09-22", "Month");
        Place(bria, "Bria town", "Haute-Kotto province", "Bria region", 6.54233, 21.98633, "Exact");
        Perpetrator(bria, "CPJP", "NonStateArmedGroup");
        Harm(bria, 22, 22, 0, 0);

        // UCDP's estimates out of order (low 7, best 7, high 6): the range spans all three, and the summary says so.
        var gassimbala = byId["ucdp-ged:255999"];
        Incident(gassimbala, "2009-07-21", "2009-07-22", "Week");
        Harm(gassimbala, 6, 7, 7, 7);
        Assert.Contains("not in the order", gassimbala.Str("summary"));

        // A foreign government's army in a state-based conflict, located only to a region (where_prec 5).
        var southeast = byId["ucdp-ged:36210"];
        Assert.Equal(["AttackCivilianHarm"], Strings(southeast, "violationTypes"));
        Incident(southeast, "2009-02-20", "2009-02-20", "Day");
        Place(southeast, "Southeast Central African Republic", null, null, 5.399784, 26.486881, "Region");
        Perpetrator(southeast, "Government of Uganda", "StateForce");
        Harm(southeast, 3, 3, 0, 0);
    }

    private static List<string?> Strings(JsonElement claim, string name) =>
        [.. claim.GetProperty(name).EnumerateArray().Select(e => e.GetString())];

    private static void Incident(JsonElement claim, string start, string end, string precision)
    {
        var incident = claim.GetProperty("incident");
        Assert.Equal(start, incident.Str("startDate"));
        Assert.Equal(end, incident.Str("endDate"));
        Assert.Equal(precision, incident.Str("timePrecision"));
    }

    private static void Place(JsonElement claim, string placeName, string? admin1, string? admin2, double latitude, double longitude, string precision)
    {
        var location = claim.GetProperty("incident").GetProperty("location");
        Assert.Equal(placeName, location.Str("placeName"));
        Assert.Equal("CF", location.Str("countryCode"));
        Assert.Equal(admin1, location.Str("admin1"));
        Assert.Equal(admin2, location.Str("admin2"));
        Assert.Equal(latitude, location.GetProperty("latitude").GetDouble(), 6);
        Assert.Equal(longitude, location.GetProperty("longitude").GetDouble(), 6);
        Assert.Equal(precision, location.Str("geoPrecision"));
    }

    private static void Perpetrator(JsonElement claim, string name, string type)
    {
        var perpetrator = Assert.Single(claim.GetProperty("perpetrators").EnumerateArray());
        Assert.Equal(name, perpetrator.Str("name"));
        Assert.Equal(type, perpetrator.Str("type"));
    }

    private static void Harm(JsonElement claim, int killedMin, int killedMax, int civiliansMin, int civiliansMax)
    {
        var harm = claim.GetProperty("harm");
        Assert.Equal(killedMin, harm.Int("killedMin"));
        Assert.Equal(killedMax, harm.Int("killedMax"));
        Assert.Equal(civiliansMin, harm.Int("civiliansKilledMin"));
        Assert.Equal(civiliansMax, harm.Int("civiliansKilledMax"));
    }
}
