using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Imports;

/// <summary>A dry run says what the real run of the same file will do, row for row, even when the file repeats an external id.</summary>
public sealed class ImportDryRunTests
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_dry_run_counts_an_external_id_repeated_in_the_file_as_the_real_run_does(DatabaseProvider provider)
    {
        // Batches of two rows, so that every repeat below is in a later batch than the row it repeats: nothing of the
        // dry run is in the database, and only the run itself can know the id came earlier in the file.
        await using var api = await TestApi.StartAsync(provider, new Dictionary<string, string?> { ["Imports:BatchSize"] = "2" });
        var investigator = await api.NewPersonAsync("Investigator");
        var file = ImportRowErrorTests.UcdpRows(8, (row, set) =>
        {
            switch (row)
            {
                case 2: set("date_start", "2014-13-45"); break;    // fails: its id is not taken
                case 4: set("id", "36210"); break;                 // repeats row 1 (valid): skipped
                case 6: set("id", "36211"); break;                 // repeats row 2 (failed): created
                case 7: set("id", "36210"); break;                 // repeats row 1 again: skipped
                case 8: set("id", "36211"); break;                 // repeats row 6 (created): skipped
            }
        });
        // The sample's first two events are 36210 and 36211 (docs/samples/ucdp-ged-23.1-car/events.csv).
        Assert.StartsWith("id,", System.Text.Encoding.UTF8.GetString(file));

        var dry = await investigator.Client.FinishedAsync(await Importing.AcceptedAsync(
            await investigator.Client.UploadAsync(file, "events.csv", new { format = "ucdp-ged-csv", dryRun = true })));
        var real = await investigator.Client.FinishedAsync(await Importing.AcceptedAsync(
            await investigator.Client.UploadAsync(file, "events.csv", new { format = "ucdp-ged-csv", dryRun = false })));

        Assert.Equal("Succeeded", dry.Str("status"));
        Assert.Equal("Succeeded", real.Str("status"));
        Assert.Equal((4, 3, 1), (real.Int("createdClaims"), real.Int("skippedRows"), real.Int("failedRows")));
        Assert.Equal((real.Int("createdClaims"), real.Int("skippedRows"), real.Int("failedRows")),
            (dry.Int("wouldCreateClaims"), dry.Int("skippedRows"), dry.Int("failedRows")));
        Assert.Equal(0, dry.Int("createdClaims"));
        Assert.Equal(4, (await investigator.Client.ClaimsOfAsync(real.GetProperty("id").GetGuid())).Count);
    }
}
