using System.Text.Json.Nodes;
using Verification.Api.Tests.Claims;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Imports;

/// <summary>
/// Found by the hostile-input generator: a GeoJSON feature whose Point coordinates are strings made the reader throw
/// (JsonElement.TryGetDouble on a string), so the whole import failed, after three retries over minutes, for one
/// feature. A feature whose coordinates are not two numbers has no point; the other features import.
/// </summary>
public sealed class GeojsonCoordinateTests(ProvidersFixture fixture) : IClassFixture<ProvidersFixture>
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_feature_with_coordinates_that_are_not_numbers_does_not_fail_the_import(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        using var sample = File.OpenRead(KidalWalkthroughTests.SamplePath("ucdp-ged-23.1-car/events.geojson"));
        var features = JsonNode.Parse(sample)!["features"]!.AsArray();
        var chosen = new JsonArray([.. features.Take(3).Select(f => f!.DeepClone())]);
        var serial = Random.Shared.Next(100_000_000, 200_000_000);
        foreach (var feature in chosen)
            feature!["properties"]!["id"] = serial++;
        chosen[1]!["geometry"] = JsonNode.Parse("""{"type":"Point","coordinates":["18.5",{"x":1}]}""");
        var file = new JsonObject { ["type"] = "FeatureCollection", ["features"] = chosen }.ToJsonString();

        var id = await Importing.AcceptedAsync(await investigator.Client.UploadAsync(file, "events.geojson", new { format = "ucdp-ged-geojson" }));
        var import = await investigator.Client.FinishedAsync(id, timeoutSeconds: 60);

        Assert.Equal("Succeeded", import.Str("status"));
        Assert.Equal(3, import.Int("totalRows"));
        Assert.Equal(3, import.Int("createdClaims") + import.Int("failedRows"));
        Assert.All(import.GetProperty("errors").EnumerateArray(), e => Assert.Equal(2, e.GetProperty("row").GetInt32()));
    }
}
