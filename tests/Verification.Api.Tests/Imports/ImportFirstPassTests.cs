using System.Text;
using Verification.Api.Features.Imports.Formats;
using Verification.Api.Tests.Infrastructure;

namespace Verification.Api.Tests.Imports;

/// <summary>
/// The first pass over a CSV import counts its records without mapping them to claims (CsvFile.CountAsync). It must
/// still refuse everything that makes the file as a whole unreadable, before a single claim exists, and count exactly
/// the records the second pass reads.
/// </summary>
public sealed class ImportFirstPassTests(SqliteApiFixture fixture) : IClassFixture<SqliteApiFixture>
{
    private TestApi Api => fixture.Api;

    [Theory]
    [InlineData("ucdp-ged-csv")]
    [InlineData("verification-csv")]
    public async Task A_record_that_cannot_be_read_as_CSV_far_down_the_file_fails_the_import_before_any_claim_exists(string format)
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var good = format == "ucdp-ged-csv"
            ? ImportRowErrorTests.UcdpRows(1200, (_, _) => { })
            : Encoding.UTF8.GetBytes(VerificationCsv(1200));
        // More rows than a batch (Imports:BatchSize, 1,000): were the first pass not to read the file as CSV, the
        // second would commit a batch before it met the broken record. Then a quote that is never closed, and more
        // than a record may hold: CsvHelper gives up on the record.
        var broken = new StringBuilder("\"a quote that is never closed,");
        while (broken.Length <= CsvFile.MaxRecordBytes + 1024)
            broken.Append("more text, and more\n");
        var file = good.Concat(Encoding.UTF8.GetBytes(broken.ToString())).ToArray();

        var import = await investigator.Client.FinishedAsync(await Importing.AcceptedAsync(
            await investigator.Client.UploadAsync(file, "events.csv", new { format })));

        Assert.Equal("Failed", import.Str("status"));
        Assert.Contains("cannot be read as CSV", import.Str("failureReason"));
        Assert.Equal(0, import.Int("processedRows"));
        Assert.Equal(0, import.Int("createdClaims"));
        Assert.Empty(await investigator.Client.ClaimsOfAsync(import.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task The_first_pass_counts_every_record_the_second_pass_reads_malformed_ones_included()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        // Event ids of their own, so that no other test's import of the sample has taken them.
        var text = Encoding.UTF8.GetString(ImportRowErrorTests.UcdpRows(40,
            (row, set) => set("id", (770_000_000 + row).ToString(System.Globalization.CultureInfo.InvariantCulture))));
        // A record with a stray quote and one with too few fields: each is one record that fails on its own.
        text += "1,\"a\"b,c\n";
        text += "2,3\n\n\n";

        var import = await investigator.Client.FinishedAsync(await Importing.AcceptedAsync(
            await investigator.Client.UploadAsync(Encoding.UTF8.GetBytes(text), "events.csv", new { format = "ucdp-ged-csv" })));

        Assert.Equal("Succeeded", import.Str("status"));
        Assert.Equal(42, import.Int("totalRows"));
        Assert.Equal(42, import.Int("processedRows"));
        Assert.Equal(40, import.Int("createdClaims"));
        Assert.Equal(2, import.Int("failedRows"));
    }

    private static string VerificationCsv(int rows)
    {
        var csv = new StringBuilder();
        csv.AppendLine(string.Join(',', Features.Imports.VerificationRecordFormat.RequiredCsvColumns));
        for (var i = 0; i < rows; i++)
            csv.AppendLine(string.Join(',', Features.Imports.VerificationRecordFormat.RequiredCsvColumns.Select(_ => "x")));
        return csv.ToString();
    }
}
