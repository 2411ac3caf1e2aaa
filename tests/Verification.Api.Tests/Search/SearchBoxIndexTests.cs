using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Tests.DailyWork;
using Verification.Api.Tests.Imports;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Search;

/// <summary>
/// The bbox filter's index stays right whoever writes the coordinates. On SQLite the box is answered from an R*Tree
/// kept by triggers on Claims (migration ClaimBoxIndex), on PostgreSQL from the (Latitude, Longitude) B-tree: an edit
/// that moves a claim (PATCH), one that takes its coordinates away, and an import (whose bulk path writes Claims without
/// EF Core) must all be seen by the next bbox query. A trigger lost to a later migration that rebuilds the Claims table
/// fails these tests. (Claims are never deleted: no route or job removes one.) SQLite has no (Latitude, Longitude)
/// B-tree at all (migration CoordinatesIndexWhereUsed): nothing read it, and every claim written paid for it.
/// </summary>
public sealed class SearchBoxIndexTests(ProvidersFixture fixture) : IClassFixture<ProvidersFixture>
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_claim_moved_by_an_edit_leaves_its_old_box_and_is_found_in_the_new_one(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var (lat, lon) = Corner();
        var claim = Kidal.Claim();
        claim["incident"]!["location"]!["latitude"] = lat;
        claim["incident"]!["location"]!["longitude"] = lon;
        var (body, etag) = await investigator.Client.SubmitClaimAsync(claim);
        var id = body.GetProperty("id").GetGuid();
        var here = Box(lat, lon);
        var there = Box(lat + 2.5, lon - 3.25);
        Assert.Contains(id, await Ids(investigator.Client, here));
        Assert.DoesNotContain(id, await Ids(investigator.Client, there));

        var moved = await investigator.Client.PatchClaimAsync(id, new JsonObject
        {
            ["incident"] = new JsonObject { ["location"] = new JsonObject { ["latitude"] = lat + 2.5, ["longitude"] = lon - 3.25 } },
        }, etag);
        await Expect.Status(moved, HttpStatusCode.OK);
        Assert.DoesNotContain(id, await Ids(investigator.Client, here));
        Assert.Contains(id, await Ids(investigator.Client, there));
        // Edges inclusive: the new position exactly on a corner of a box.
        Assert.Contains(id, await Ids(investigator.Client, Inv($"/api/v1/claims?limit=200&bbox={lon - 3.25},{lat + 2.5},{lon - 3},{lat + 3}")));

        // Only the latitude moves: the box follows it too.
        var nudged = await investigator.Client.PatchClaimAsync(id, new JsonObject
        {
            ["incident"] = new JsonObject { ["location"] = new JsonObject { ["latitude"] = lat + 2.7 } },
        }, moved.Headers.ETag!.Tag);
        await Expect.Status(nudged, HttpStatusCode.OK);
        Assert.DoesNotContain(id, await Ids(investigator.Client, there));
        Assert.Contains(id, await Ids(investigator.Client, Box(lat + 2.7, lon - 3.25)));

        // Without coordinates it is in no box at all.
        var unplaced = await investigator.Client.PatchClaimAsync(id, new JsonObject
        {
            ["incident"] = new JsonObject { ["location"] = new JsonObject { ["latitude"] = null, ["longitude"] = null } },
        }, nudged.Headers.ETag!.Tag);
        await Expect.Status(unplaced, HttpStatusCode.OK);
        Assert.DoesNotContain(id, await Ids(investigator.Client, Box(lat + 2.7, lon - 3.25)));
        Assert.DoesNotContain(id, await Ids(investigator.Client, "/api/v1/claims?limit=200&bbox=-180,-90,180,90"));
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Claims_written_by_an_import_are_found_by_their_box(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        using var sample = File.OpenRead(Importing.UcdpGeojson);
        var features = JsonNode.Parse(sample)!["features"]!.AsArray();
        var chosen = new JsonArray([.. features.Take(2).Select(f => f!.DeepClone())]);
        var serial = Random.Shared.Next(200_000_000, 300_000_000);
        var (lat, lon) = Corner();
        var positions = new[] { (lat, lon), (lat + 0.25, lon + 0.25) };
        for (var i = 0; i < chosen.Count; i++)
        {
            chosen[i]!["properties"]!["id"] = serial++;
            chosen[i]!["properties"]!["latitude"] = positions[i].Item1;
            chosen[i]!["properties"]!["longitude"] = positions[i].Item2;
            chosen[i]!["geometry"] = new JsonObject { ["type"] = "Point", ["coordinates"] = new JsonArray(positions[i].Item2, positions[i].Item1) };
        }
        var file = new JsonObject { ["type"] = "FeatureCollection", ["features"] = chosen }.ToJsonString();

        var importId = await Importing.AcceptedAsync(await investigator.Client.UploadAsync(file, "events.geojson", new { format = "ucdp-ged-geojson" }));
        var import = await investigator.Client.FinishedAsync(importId, timeoutSeconds: 60);
        Assert.Equal("Succeeded", import.Str("status"));
        Assert.Equal(2, import.Int("createdClaims"));
        var imported = (await investigator.Client.ClaimsOfAsync(importId)).ToDictionary(
            c => c.GetProperty("incident").GetProperty("location").GetProperty("latitude").GetDouble(), c => c.GetProperty("id").GetGuid());

        var first = imported[lat];
        var second = imported[lat + 0.25];
        Assert.Equal(new[] { first, second }.Order(),
            (await Ids(investigator.Client, Inv($"/api/v1/claims?limit=200&importId={importId}&bbox={lon},{lat},{lon + 0.25},{lat + 0.25}"))).Order());
        var around = await Ids(investigator.Client, Box(lat, lon));
        Assert.Contains(first, around);
        Assert.DoesNotContain(second, around);
        Assert.Contains(second, await Ids(investigator.Client, Box(lat + 0.25, lon + 0.25)));
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_wide_box_walked_in_list_order_answers_as_the_index_does(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var (lat, lon) = Corner();
        async Task<Guid> At(double latitude, double longitude)
        {
            var claim = Kidal.Claim();
            claim["incident"]!["location"]!["latitude"] = latitude;
            claim["incident"]!["location"]!["longitude"] = longitude;
            return (await investigator.Client.SubmitClaimAsync(claim)).Body.GetProperty("id").GetGuid();
        }
        var corner = await At(lat, lon);
        var opposite = await At(lat + 1, lon + 1);
        var inside = await At(lat + 0.5, lon + 0.5);
        var outside = await At(lat + 0.5, lon + 1.0001);
        var url = Inv($"/api/v1/claims?limit=200&bbox={lon},{lat},{lon + 1},{lat + 1}");
        var expected = new[] { corner, opposite, inside }.Order().ToList();

        Assert.Equal(expected, (await Ids(investigator.Client, url)).Order());
        // On SQLite a box with at least this many claims is walked in the list's order instead of read from the R*Tree.
        Verification.Api.Features.Search.ClaimBoxSearch.WideAt = 1;
        try
        {
            var walked = await Ids(investigator.Client, url);
            Assert.Equal(expected, walked.Order());
            Assert.DoesNotContain(outside, walked);
            // Paged through, two at a time, the walk gives the same claims once each.
            Assert.Equal(expected, (await AllPages(investigator.Client, Inv($"/api/v1/claims?limit=2&bbox={lon},{lat},{lon + 1},{lat + 1}"))).Order());
        }
        finally
        {
            Verification.Api.Features.Search.ClaimBoxSearch.WideAt = Verification.Api.Features.Search.ClaimBoxSearch.DefaultWideAt;
        }
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Each_provider_has_the_coordinate_index_its_box_query_reads_and_no_other(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        await using var scope = api.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
        async Task<bool> Exists(string sql) => await db.Database.SqlQueryRaw<int>(sql).SingleAsync() > 0;

        if (provider == DatabaseProvider.Sqlite)
        {
            Assert.False(await Exists("""SELECT count(*) AS "Value" FROM sqlite_master WHERE type = 'index' AND name = 'IX_Claims_Latitude_Longitude'"""));
            Assert.True(await Exists("""SELECT count(*) AS "Value" FROM sqlite_master WHERE type = 'table' AND name = 'ClaimBox'"""));
            Assert.True(await Exists("""SELECT count(*) AS "Value" FROM sqlite_master WHERE type = 'trigger' AND name = 'Claims_BoxInsert'"""));
        }
        else
        {
            Assert.True(await Exists("""SELECT count(*)::int AS "Value" FROM pg_indexes WHERE indexname = 'IX_Claims_Latitude_Longitude'"""));
        }
    }

    private static async Task<List<Guid>> AllPages(HttpClient client, string url)
    {
        var ids = new List<Guid>();
        string? cursor = null;
        do
        {
            var response = await client.GetAsync(url + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            await Expect.Status(response, HttpStatusCode.OK);
            var page = await response.Json();
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        return ids;
    }

    /// <summary>A random position with three decimals, away from the Kidal sample and from the poles and the antimeridian.</summary>
    private static (double Lat, double Lon) Corner() =>
        (Math.Round(Random.Shared.NextDouble() * 60 - 30, 3), Math.Round(Random.Shared.NextDouble() * 100 - 50, 3));

    /// <summary>A box of a thousandth of a degree around a position.</summary>
    private static string Box(double lat, double lon) => Inv($"/api/v1/claims?limit=200&bbox={lon - 0.0005},{lat - 0.0005},{lon + 0.0005},{lat + 0.0005}");

    private static string Inv(FormattableString text) => FormattableString.Invariant(text);

    private static Task<List<Guid>> Ids(HttpClient client, string url) => SearchTests.Ids(client, url);
}
