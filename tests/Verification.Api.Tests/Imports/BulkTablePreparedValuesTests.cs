using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Infrastructure.Persistence.Bulk;
using Verification.Api.Tests.Infrastructure;
using Verification.Domain.Claims;
using Verification.Persistence;

namespace Verification.Api.Tests.Imports;

/// <summary>
/// An import's read-ahead converts a claim's JSON list columns ahead (<see cref="BulkTable.Prepare"/>), and the bulk
/// writer then writes what was prepared for that list instance. What is written must be exactly what the column's own
/// converter writes (ImportBulkEqualityTests compares whole imports with the tracked path); these prove that the
/// prepared text is the one written, and that a list nobody prepared is still converted.
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
        table.Prepare(nameof(Claim.Perpetrators), prepared.Perpetrators);
        table.Prepare(nameof(Claim.Sources), prepared.Sources);

        // The converter makes a new string on each call; the prepared text is one string, kept for the list instance.
        Assert.Same(perpetrators.Value(prepared), perpetrators.Value(prepared));
        Assert.Same(sources.Value(prepared), sources.Value(prepared));
        Assert.NotSame(perpetrators.Value(unprepared), perpetrators.Value(unprepared));
        Assert.NotSame(sources.Value(unprepared), sources.Value(unprepared));

        // Both claims hold equal lists (other instances), so the unprepared one's fresh conversion is the expected text.
        Assert.Equal(perpetrators.Value(unprepared), perpetrators.Value(prepared));
        Assert.Equal(sources.Value(unprepared), sources.Value(prepared));
        Assert.Contains("\"Unknown\"", (string)perpetrators.Value(prepared)!, StringComparison.Ordinal);
        Assert.Contains("https://example.org/report", (string)sources.Value(prepared)!, StringComparison.Ordinal);
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

    private static Claim Submit(ClaimDetails details) => Claim.Submit(Guid.CreateVersion7(), 1, Guid.CreateVersion7(), DateTime.UtcNow, details);

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
