using Verification.Domain.Common;

namespace Verification.Domain.Imports;

/// <summary>The file formats an import reads (docs/imports.md); on the wire they are written in kebab case, e.g. ucdp-ged-csv.</summary>
public enum ImportFormat
{
    VerificationCsv,
    VerificationNdjson,
    UcdpGedCsv,
    UcdpGedGeojson,
}

public enum ImportStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
}

/// <summary>
/// One bulk import: the uploaded file (kept in the evidence store under <see cref="FileSha256"/>, so every claim it
/// created can be traced back to the exact bytes) and the progress of the background run that reads it.
/// Progress moves one committed batch at a time: <see cref="ProcessedRows"/> is the last row whose outcome
/// (created, skipped or failed) is in the database, which is where a run resumes after a crash.
/// </summary>
public sealed class Import
{
    /// <summary>Errors kept per import; later ones are only counted, so a broken million-row file cannot flood the table.</summary>
    public const int MaxRecordedErrors = 1000;

    private Import() { }

    public Guid Id { get; private set; }
    public ImportFormat Format { get; private set; }
    public bool DryRun { get; private set; }

    /// <summary>The UCDP GED version named in every claim's attribution line (UCDP formats only), e.g. 23.1.</summary>
    public string? DatasetVersion { get; private set; }
    public string FileSha256 { get; private set; } = string.Empty;
    public long FileSizeBytes { get; private set; }
    public string? FileName { get; private set; }
    public Guid CreatedBy { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public ImportStatus Status { get; private set; }
    public DateTime? StartedAt { get; private set; }
    public DateTime? FinishedAt { get; private set; }

    /// <summary>How many runs have started: a run that resumes after a crash or a failure is the next attempt.</summary>
    public int Attempts { get; private set; }

    /// <summary>Rows in the file, known once the run has read it through; null until then.</summary>
    public int? TotalRows { get; private set; }
    public int ProcessedRows { get; private set; }

    /// <summary>Rows that passed every check and whose external id was new: claims created, or in a dry run claims that would be.</summary>
    public int NewClaims { get; private set; }
    public int SkippedRows { get; private set; }
    public int FailedRows { get; private set; }
    public int RecordedErrors { get; private set; }
    public string? FailureReason { get; private set; }

    /// <summary>Bumped by every change; the concurrency token that keeps two runs of one import from both committing a batch.</summary>
    public long Version { get; private set; }

    public int CreatedClaims => DryRun ? 0 : NewClaims;

    public static Import Receive(Guid id, ImportFormat format, bool dryRun, string? datasetVersion, string fileSha256, long fileSizeBytes,
        string? fileName, Guid by, DateTime now)
    {
        Guard.That(fileSha256.Length == 64 && fileSha256.All(char.IsAsciiHexDigitLower), "fileSha256", "A file is named by its lower-case SHA-256.");
        Guard.That(fileSizeBytes > 0, "file", "The file is empty.");
        return new Import
        {
            Id = id,
            Format = format,
            DryRun = dryRun,
            DatasetVersion = Guard.OptionalText(datasetVersion, "datasetVersion", 20),
            FileSha256 = fileSha256,
            FileSizeBytes = fileSizeBytes,
            FileName = Guard.OptionalText(fileName, "fileName", 300),
            CreatedBy = by,
            CreatedAt = now,
            Status = ImportStatus.Queued,
            Version = 1,
        };
    }

    public bool IsFinished => Status is ImportStatus.Succeeded or ImportStatus.Failed;

    /// <summary>A run starts, or resumes after a crash, from the row after <see cref="ProcessedRows"/>.</summary>
    public void Begin(int totalRows, DateTime now)
    {
        if (IsFinished)
            throw new TransitionNotAllowed("run", Status.ToString(), "a finished import does not run again; upload the file again to re-import it");
        Guard.That(totalRows >= ProcessedRows, "totalRows", "The file has fewer rows than were already processed: it is not the file this import began with.");
        Status = ImportStatus.Running;
        StartedAt ??= now;
        TotalRows = totalRows;
        Attempts++;
        Version++;
    }

    /// <summary>
    /// Records the outcome of the rows <paramref name="firstRow"/>…<paramref name="lastRow"/>, which must follow
    /// the last processed row: a second run that reached the same rows first makes this one stop, not count twice.
    /// Returns the errors to keep, numbered after those already kept.
    /// </summary>
    public IReadOnlyList<ImportError> RecordBatch(int firstRow, int lastRow, int newClaims, int skipped, int failed,
        IEnumerable<(int Row, string Field, string Message)> errors)
    {
        if (Status != ImportStatus.Running)
            throw new TransitionNotAllowed("record rows of", Status.ToString(), "rows are recorded while the import is Running");
        if (firstRow != ProcessedRows + 1)
            throw new RuleNotSatisfied("Rows out of order",
                $"Import {Id} has processed {ProcessedRows} rows; a batch starting at row {firstRow} is not the next one.");
        Guard.That(lastRow >= firstRow && newClaims + skipped + failed == lastRow - firstRow + 1, "rows",
            "Every row of a batch is created, skipped or failed, exactly once.");

        var kept = errors.Take(MaxRecordedErrors - RecordedErrors)
            .Select((e, i) => new ImportError(Id, RecordedErrors + i + 1, e.Row, e.Field, e.Message))
            .ToList();
        ProcessedRows = lastRow;
        NewClaims += newClaims;
        SkippedRows += skipped;
        FailedRows += failed;
        RecordedErrors += kept.Count;
        Version++;
        return kept;
    }

    public void Succeed(DateTime now)
    {
        if (Status != ImportStatus.Running)
            throw new TransitionNotAllowed("finish", Status.ToString(), "only a running import succeeds");
        if (ProcessedRows != TotalRows)
            throw new RuleNotSatisfied("Rows left", $"Import {Id} processed {ProcessedRows} of {TotalRows} rows.");
        Status = ImportStatus.Succeeded;
        FinishedAt = now;
        Version++;
    }

    /// <summary>
    /// A failed import is queued to run again from the row after the last committed one (a coordinator's decision,
    /// audited); what was committed stays. Only a failed import can be requeued.
    /// </summary>
    public void Requeue()
    {
        if (Status != ImportStatus.Failed)
            throw new TransitionNotAllowed("requeue", Status.ToString(), "only a Failed import is requeued");
        Status = ImportStatus.Queued;
        FailureReason = null;
        FinishedAt = null;
        Version++;
    }

    /// <summary>The file cannot be read to its end (or the run gave up): what was committed stays, and the reason is kept.</summary>
    public void Fail(string reason, DateTime now)
    {
        if (IsFinished)
            throw new TransitionNotAllowed("fail", Status.ToString(), "the import has already finished");
        Status = ImportStatus.Failed;
        FailureReason = Guard.Text(reason.Length > 2000 ? reason[..1999] + "…" : reason, "failureReason", 2000);
        FinishedAt = now;
        Version++;
    }
}

/// <summary>A row the import could not turn into a claim: where (row and field) and why.</summary>
public sealed class ImportError
{
    private ImportError() { }

    internal ImportError(Guid importId, int ordinal, int row, string field, string message)
    {
        ImportId = importId;
        Ordinal = ordinal;
        Row = row;
        Field = field.Length > 200 ? field[..200] : field;
        Message = message.Length > 2000 ? message[..1999] + "…" : message;
    }

    public Guid ImportId { get; private set; }

    /// <summary>1, 2, 3… in the order the errors were found.</summary>
    public int Ordinal { get; private set; }
    public int Row { get; private set; }
    public string Field { get; private set; } = string.Empty;
    public string Message { get; private set; } = string.Empty;
}
