using System.Text;
using CsvHelper;
using Verification.Api.Features.Imports;
using Verification.Api.Tests.Infrastructure;

namespace Verification.Api.Tests.Imports;

/// <summary>Rows that cannot become claims are reported and the rest go in; a file that cannot be read at all fails whole.</summary>
public sealed class ImportRowErrorTests(SqliteApiFixture fixture) : IClassFixture<SqliteApiFixture>
{
    private TestApi Api => fixture.Api;

    [Fact]
    public async Task Invalid_rows_are_reported_with_row_and_field_and_the_other_rows_are_imported()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var file = UcdpRows(6, (row, set) =>
        {
            switch (row)
            {
                case 2: set("date_start", "2014-13-45"); break;
                case 3: set("country", "Atlantis"); break;
                case 4: set("best", "-3"); break;
                case 5: set("date_start", "2015-01-10T00:00:00"); set("date_end", "2015-01-01T00:00:00"); break;
            }
        });

        var import = await investigator.Client.FinishedAsync(await Importing.AcceptedAsync(
            await investigator.Client.UploadAsync(file, "events.csv", new { format = "ucdp-ged-csv" })));

        Assert.Equal("Succeeded", import.Str("status"));
        Assert.Equal(6, import.Int("totalRows"));
        Assert.Equal(2, import.Int("createdClaims"));
        Assert.Equal(4, import.Int("failedRows"));
        var errors = import.GetProperty("errors").EnumerateArray().Select(e => (e.Int("row"), e.Str("field"))).ToList();
        Assert.Equal([(2, "date_start"), (3, "country"), (4, "best"), (5, "date_end")], errors);
        Assert.All(import.GetProperty("errors").EnumerateArray(), e => Assert.False(string.IsNullOrWhiteSpace(e.Str("message"))));
        Assert.Equal(2, (await investigator.Client.ClaimsOfAsync(import.GetProperty("id").GetGuid())).Count);
    }

    [Fact]
    public async Task Only_the_first_1000_errors_are_kept_but_every_failed_row_is_counted()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var csv = new StringBuilder(string.Join(',', VerificationRecordFormat.CsvColumns)).Append('\n');
        for (var i = 1; i <= 1100; i++)
        {
            // No title: each row fails validation.
            var fields = VerificationRecordFormat.CsvColumns.Select(c => c switch
            {
                VerificationRecordFormat.Reference => $"SHEET-{i}",
                VerificationRecordFormat.Summary => "A row without a title",
                _ => "",
            });
            csv.Append(string.Join(',', fields)).Append('\n');
        }

        var import = await investigator.Client.FinishedAsync(await Importing.AcceptedAsync(
            await investigator.Client.UploadAsync(csv.ToString(), "claims.csv", new { format = "verification-csv" })));

        Assert.Equal("Succeeded", import.Str("status"));
        Assert.Equal(1100, import.Int("failedRows"));
        Assert.Equal(0, import.Int("createdClaims"));
        var errors = import.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(1000, errors.Count);
        Assert.Equal("title", errors[0].Str("field"));
    }

    [Fact]
    public async Task A_file_that_turns_out_not_to_be_UTF8_past_the_first_block_fails_whole_and_creates_nothing()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var good = UcdpRows(400, (_, _) => { });
        Assert.True(good.Length > 2 * 64 * 1024, "the bad byte must lie beyond the block checked at upload");
        var bad = good.ToArray();
        bad[^20] = 0xFF; // never valid in UTF-8

        var import = await investigator.Client.FinishedAsync(await Importing.AcceptedAsync(
            await investigator.Client.UploadAsync(bad, "events.csv", new { format = "ucdp-ged-csv" })));

        Assert.Equal("Failed", import.Str("status"));
        Assert.Contains("UTF-8", import.Str("failureReason"));
        Assert.Equal(0, import.Int("createdClaims"));
        Assert.Empty(await investigator.Client.ClaimsOfAsync(import.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task A_GeoJSON_file_cut_short_fails_with_the_reason_and_creates_nothing()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var whole = await File.ReadAllBytesAsync(Importing.UcdpGeojson);

        var import = await investigator.Client.FinishedAsync(await Importing.AcceptedAsync(
            await investigator.Client.UploadAsync(whole[..300_000], "events.geojson", new { format = "ucdp-ged-geojson" })));

        Assert.Equal("Failed", import.Str("status"));
        Assert.Contains("cut short", import.Str("failureReason"));
        Assert.Empty(await investigator.Client.ClaimsOfAsync(import.GetProperty("id").GetGuid()));
    }

    /// <summary>The first <paramref name="count"/> events of the sample as a UCDP CSV, each changed as <paramref name="change"/> says.</summary>
    internal static byte[] UcdpRows(int count, Action<int, Action<string, string>> change)
    {
        using var reader = CsvReader.FromFile(Importing.UcdpCsv, CsvReaderOptions.Default with { Separator = ',' });
        reader.ReadHeader();
        var header = reader.Headers.ToArray();
        using var output = new MemoryStream();
        using (var writer = CsvWriter.Create(output, CsvWriterOptions.Default, leaveOpen: true))
        {
            foreach (var name in header)
                writer.WriteField(name);
            writer.EndRecord();
            for (var row = 1; row <= count && reader.Read(); row++)
            {
                var fields = Enumerable.Range(0, header.Length).Select(reader.GetString).ToArray();
                change(row, (name, value) => fields[Array.IndexOf(header, name)] = value);
                foreach (var field in fields)
                    writer.WriteField(field);
                writer.EndRecord();
            }
        }
        return output.ToArray();
    }
}
