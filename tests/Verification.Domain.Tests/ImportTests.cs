using Verification.Domain.Common;
using Verification.Domain.Imports;

namespace Verification.Domain.Tests;

public class ImportTests
{
    private const string Sha256 = "50d8777d20bfae5be57e96dd49289483c70f8cbf6afd8d7962a8a6cb4c8d6bc0";

    private static Import Running(int totalRows, bool dryRun = false)
    {
        var import = Import.Receive(Guid.NewGuid(), ImportFormat.UcdpGedCsv, dryRun, "23.1", Sha256, 2_844_617, "events.csv",
            People.Investigator, Kidal.Now);
        import.Begin(totalRows, Kidal.Now);
        return import;
    }

    private static IEnumerable<(int, string, string)> Errors(int count, int row = 1) =>
        Enumerable.Range(0, count).Select(i => (row, "date_start", $"error {i}"));

    [Fact]
    public void A_batch_must_start_right_after_the_last_processed_row()
    {
        var import = Running(400);
        import.RecordBatch(1, 200, 200, 0, 0, []);

        // A second run that reached these rows first already moved the import on: this one must not count them again.
        Assert.Throws<RuleNotSatisfied>(() => import.RecordBatch(1, 200, 200, 0, 0, []));
        Assert.Throws<RuleNotSatisfied>(() => import.RecordBatch(202, 400, 199, 0, 0, []));
        Assert.Equal(200, import.ProcessedRows);
    }

    [Fact]
    public void Every_row_of_a_batch_is_counted_exactly_once()
    {
        var import = Running(200);
        var invalid = Assert.Throws<InvariantViolation>(() => import.RecordBatch(1, 200, 150, 10, 10, []));
        Assert.Equal("rows", invalid.Field);
    }

    [Fact]
    public void Only_the_first_thousand_errors_are_kept_but_every_failed_row_is_counted()
    {
        var import = Running(1500);

        var kept = import.RecordBatch(1, 900, 0, 0, 900, Errors(900));
        var more = import.RecordBatch(901, 1500, 0, 0, 600, Errors(600, 901));

        Assert.Equal(900, kept.Count);
        Assert.Equal(Import.MaxRecordedErrors - 900, more.Count);
        Assert.Equal(Enumerable.Range(901, 100), more.Select(e => e.Ordinal));
        Assert.Equal(1500, import.FailedRows);
        Assert.Equal(Import.MaxRecordedErrors, import.RecordedErrors);
    }

    [Fact]
    public void An_import_succeeds_only_when_every_row_was_processed()
    {
        var import = Running(300);
        import.RecordBatch(1, 200, 200, 0, 0, []);

        Assert.Throws<RuleNotSatisfied>(() => import.Succeed(Kidal.Now));
        import.RecordBatch(201, 300, 90, 5, 5, Errors(5, 250));
        import.Succeed(Kidal.Now);

        Assert.Equal(ImportStatus.Succeeded, import.Status);
        Assert.Equal(290, import.CreatedClaims);
    }

    [Fact]
    public void A_dry_run_creates_no_claim_but_counts_the_ones_it_would()
    {
        var import = Running(10, dryRun: true);
        import.RecordBatch(1, 10, 10, 0, 0, []);

        Assert.Equal(0, import.CreatedClaims);
        Assert.Equal(10, import.NewClaims);
    }

    [Fact]
    public void A_resumed_run_is_the_next_attempt_and_keeps_its_progress()
    {
        var import = Running(400);
        import.RecordBatch(1, 200, 200, 0, 0, []);

        import.Begin(400, Kidal.Now.AddMinutes(5));

        Assert.Equal(2, import.Attempts);
        Assert.Equal(200, import.ProcessedRows);
        Assert.Equal(Kidal.Now, import.StartedAt);
    }

    [Fact]
    public void A_finished_import_does_not_run_again()
    {
        var import = Running(0);
        import.Succeed(Kidal.Now);

        Assert.Throws<TransitionNotAllowed>(() => import.Begin(0, Kidal.Now));
        Assert.Throws<TransitionNotAllowed>(() => import.Fail("again", Kidal.Now));
    }

    [Fact]
    public void A_file_with_fewer_rows_than_already_processed_is_not_the_file_the_import_began_with()
    {
        var import = Running(400);
        import.RecordBatch(1, 200, 200, 0, 0, []);

        Assert.Throws<InvariantViolation>(() => import.Begin(100, Kidal.Now));
    }
}
