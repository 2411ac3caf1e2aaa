using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Infrastructure.Persistence.Bulk;
using Verification.Api.Tests.Infrastructure;
using Verification.Domain.Claims;
using Verification.Persistence;

namespace Verification.Api.Tests.Imports;

/// <summary>
/// An import's read-ahead converts a claim's JSON list columns ahead (<see cref="BulkTable.Prepare"/>), and the bulk
/// writer, given those values for the batch (<see cref="PreparedColumnValues"/>), writes what was prepared for that list
/// instance. What is written must be exactly what the column's own converter writes (ImportBulkEqualityTests compares
/// whole imports with the tracked path); these prove that the prepared text is the one written, that a list nobody
/// prepared, or a write given no prepared values, is still converted, and that only converted reference-type columns
/// can be prepared.
/// </summary>
public sealed class BulkTablePreparedValuesTests
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_prepared_list_column_is_written_with_the_text_prepared_for_it_which_is_the_converters_own(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider);
        await using var scope = api.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
        var table = BulkTable.For<Claim>(db);
        var perpetrators = table.Columns.Single(c => c.Name == "Perpetrators");
        var sources = table.Columns.Single(c => c.Name == "Sources");

        var prepared = Submit(Details("Prepared"));
        var unprepared = Submit(Details("Unprepared"));
        var batch = new PreparedColumnValues();
        var perpetratorsText = table.Prepare(nameof(Claim.Perpetrators), prepared.Perpetrators);
        var sourcesText = table.Prepare(nameof(Claim.Sources), prepared.Sources);
        batch.Add(perpetratorsText);
        batch.Add(sourcesText);

        // The converter makes a new string on each call; a write given the batch's values stores the prepared string itself.
        Assert.Same(perpetratorsText.ProviderValue, perpetrators.Value(prepared, batch));
        Assert.Same(sourcesText.ProviderValue, sources.Value(prepared, batch));
        Assert.NotSame(perpetrators.Value(prepared), perpetrators.Value(prepared));
        Assert.NotSame(perpetrators.Value(unprepared, batch), perpetrators.Value(unprepared, batch));
        Assert.NotSame(sources.Value(unprepared, batch), sources.Value(unprepared, batch));

        // Both claims hold equal lists (other instances), so the unprepared one's fresh conversion is the expected text.
        Assert.Equal(perpetrators.Value(unprepared), perpetrators.Value(prepared, batch));
        Assert.Equal(sources.Value(unprepared), sources.Value(prepared, batch));
        Assert.Equal(perpetrators.Value(prepared), perpetrators.Value(prepared, batch));
        Assert.Contains("\"Unknown\"", (string)perpetrators.Value(prepared, batch)!, StringComparison.Ordinal);
        Assert.Contains("https://example.org/report", (string)sources.Value(prepared, batch)!, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task The_bulk_writer_stores_the_prepared_text_and_the_row_reads_back_as_the_claim(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider);
        await using var scope = api.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
        var writer = scope.ServiceProvider.GetRequiredService<IBulkWriter>();
        var table = BulkTable.For<Claim>(db);
        // A number far above any the test API issues: the claim goes in beside whatever the host seeded.
        var claim = Submit(Details("Written in bulk"), number: 9_000_001);
        var batch = new PreparedColumnValues();
        batch.Add(table.Prepare(nameof(Claim.Perpetrators), claim.Perpetrators));
        batch.Add(table.Prepare(nameof(Claim.Sources), claim.Sources));

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await writer.WriteAsync(db, [claim], batch, CancellationToken.None);
            await transaction.CommitAsync();
        }

        Assert.True(StoredAsWritten.Holds(db, claim, batch));
        var stored = await db.Claims.AsNoTracking().SingleAsync(c => c.Id == claim.Id);
        Assert.Equal(claim.Perpetrators, stored.Perpetrators);
        Assert.Equal(claim.Sources, stored.Sources);
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Only_a_converted_list_column_can_be_prepared(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider);
        await using var scope = api.Factory.Services.CreateAsyncScope();
        var table = BulkTable.For<Claim>(scope.ServiceProvider.GetRequiredService<VerificationDb>());

        Assert.Throws<ArgumentException>(() => table.Prepare(nameof(Claim.Title), "A title"));
        Assert.Throws<ArgumentException>(() => table.Prepare(nameof(Claim.Stage), ClaimStage.Submitted));
    }

    private static Claim Submit(ClaimDetails details, int number = 1) =>
        Claim.Submit(Guid.CreateVersion7(), number, Guid.CreateVersion7(), StoredAsWritten.Time(DateTime.UtcNow), details);

    private static ClaimDetails Details(string title)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        return ClaimDetails.Create(title, "Checks the bulk table's prepared values.", [ViolationType.AttackCivilianHarm],
            Incident.Create(new DateOnly(2024, 3, 29), new DateOnly(2024, 3, 30), TimePrecision.Day, today),
            Location.Create("Kidal", "ML", "Kidal", null, 18.4411, 1.4078, GeoPrecision.NearbyTown),
            [new Perpetrator("Unknown", PerpetratorType.Unknown)], null,
            [new Source(SourceType.LocalMedia, "A report", "https://example.org/report")]);
    }
}
