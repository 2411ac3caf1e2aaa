using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Infrastructure.Storage;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Imports;

/// <summary>What an upload refuses at once (400, nothing kept), and who may see an import.</summary>
public sealed class ImportRefusalTests(SqliteApiFixture fixture) : IClassFixture<SqliteApiFixture>
{
    private TestApi Api => fixture.Api;

    [Fact]
    public async Task An_empty_file_is_refused_at_once()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var response = await investigator.Client.UploadAsync([], "events.csv", new { format = "ucdp-ged-csv" });
        var problem = await Expect.ValidationProblem(response, "file");
        Assert.Contains("empty", problem.GetProperty("errors").GetProperty("file")[0].GetString());
    }

    [Fact]
    public async Task A_CSV_without_a_required_column_is_refused_at_once_and_nothing_is_kept()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var lines = File.ReadLines(Importing.UcdpCsv).Take(3).ToList();
        lines[0] = lines[0].Replace(",country,", ",land,", StringComparison.Ordinal);
        var file = Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");

        var response = await investigator.Client.UploadAsync(file, "events.csv", new { format = "ucdp-ged-csv" });

        var problem = await Expect.ValidationProblem(response, "file");
        Assert.Contains("country", problem.GetProperty("errors").GetProperty("file")[0].GetString());
        Assert.False(Api.Factory.Services.GetRequiredService<EvidenceStore>().Exists(Convert.ToHexStringLower(SHA256.HashData(file))));
    }

    [Fact]
    public async Task An_unknown_format_is_refused_at_once()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var response = await investigator.Client.UploadAsync("a,b\n1,2\n", "sheet.csv", new { format = "excel" });
        var problem = await Expect.ValidationProblem(response, "options.format");
        Assert.Contains("ucdp-ged-csv", problem.GetProperty("errors").GetProperty("options.format")[0].GetString());
    }

    [Fact]
    public async Task A_file_whose_first_block_is_not_UTF8_is_refused_at_once()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var header = File.ReadLines(Importing.UcdpCsv).First();
        // "Bangui" followed by a Latin-1 é (0xE9): what a spreadsheet saved in Windows-1252 looks like.
        var file = Encoding.UTF8.GetBytes(header + "\n1,0,Bangui").Concat(new byte[] { 0xE9, (byte)'\n' }).ToArray();

        var response = await investigator.Client.UploadAsync(file, "events.csv", new { format = "ucdp-ged-csv" });

        var problem = await Expect.ValidationProblem(response, "file");
        Assert.Contains("UTF-8", problem.GetProperty("errors").GetProperty("file")[0].GetString());
    }

    [Fact]
    public async Task A_GeoJSON_upload_that_is_not_JSON_is_refused_at_once()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var response = await investigator.Client.UploadFileAsync(Importing.UcdpCsv, new { format = "ucdp-ged-geojson" });
        await Expect.ValidationProblem(response, "file");
    }

    [Fact]
    public async Task An_NDJSON_upload_whose_first_line_is_not_a_JSON_object_is_refused_at_once()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var response = await investigator.Client.UploadAsync("[1, 2, 3]\n{}\n", "claims.ndjson", new { format = "verification-ndjson" });
        await Expect.ValidationProblem(response, "file");
    }

    [Fact]
    public async Task An_upload_without_options_is_refused()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        using var content = new MultipartFormDataContent { { new ByteArrayContent("x"u8.ToArray()), "file", "events.csv" } };
        await Expect.ValidationProblem(await investigator.Client.PostAsync("/api/v1/imports", content), "options");
    }

    [Fact]
    public async Task A_reviewer_cannot_import()
    {
        var reviewer = await Api.NewPersonAsync("Reviewer");
        await Expect.Problem(await reviewer.Client.UploadFileAsync(Importing.UcdpCsv, new { format = "ucdp-ged-csv", dryRun = true }),
            HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Only_the_importer_and_coordinators_see_an_import_and_to_anyone_else_it_does_not_exist()
    {
        var importer = await Api.NewPersonAsync("Investigator");
        var other = await Api.NewPersonAsync("Investigator");
        var coordinator = await Api.CoordinatorAsync();
        var id = await importer.Client.StartImportAsync(Importing.UcdpCsv, new { format = "ucdp-ged-csv", dryRun = true });

        await Expect.Problem(await other.Client.GetAsync($"/api/v1/imports/{id}"), HttpStatusCode.NotFound);
        await Expect.Status(await importer.Client.GetAsync($"/api/v1/imports/{id}"), HttpStatusCode.OK);
        await Expect.Status(await coordinator.GetAsync($"/api/v1/imports/{id}"), HttpStatusCode.OK);
        Assert.DoesNotContain(id, await ListedAsync(other.Client));
        Assert.Contains(id, await ListedAsync(importer.Client));
        Assert.Contains(id, await ListedAsync(coordinator));
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task The_list_of_imports_is_newest_first_and_cursor_paged(DatabaseProvider provider)
    {
        // The cursor compares (createdAt, id) in SQL, which each provider translates in its own way.
        await using var api = await TestApi.StartAsync(provider);
        var importer = await api.NewPersonAsync("Investigator");
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
            ids.Add(await importer.Client.StartImportAsync(Importing.UcdpCsv, new { format = "ucdp-ged-csv", dryRun = true }));

        var first = await (await importer.Client.GetAsync("/api/v1/imports?limit=2")).Json();
        var cursor = first.GetProperty("nextCursor").GetString();
        Assert.NotNull(cursor);
        var second = await (await importer.Client.GetAsync($"/api/v1/imports?limit=2&cursor={Uri.EscapeDataString(cursor)}")).Json();

        var listed = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray())
            .Select(i => i.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(Enumerable.Reverse(ids), listed);
        Assert.Null(second.GetProperty("nextCursor").GetString());
    }

    private static async Task<List<Guid>> ListedAsync(HttpClient client)
    {
        var page = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/imports?limit=200");
        return [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid())];
    }
}
