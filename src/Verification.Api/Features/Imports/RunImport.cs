using FluentValidation;
using Mediator;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Features.Claims;
using Verification.Api.Features.Imports.Formats;
using Verification.Api.Infrastructure.Persistence.Bulk;
using Verification.Api.Infrastructure.Storage;
using Verification.Api.Pipeline;
using Verification.Domain.Claims;
using Verification.Domain.Common;
using Verification.Domain.Imports;
using Verification.Persistence;

namespace Verification.Api.Features.Imports;

/// <summary>
/// Runs one import, as the background job sends it, acting as the importer. It reads the stored file twice, each
/// time as a stream: first through to the end to check its SHA-256 and its shape and to count its rows (a file
/// broken at row 90,000 fails before a single claim exists), then row by row, sending each batch as one
/// <see cref="ImportClaims"/> command in its own transaction. Progress is committed with each batch, so after a
/// crash Hangfire runs this again and it resumes after the last committed row; external ids that already exist are
/// skipped, so even a replayed batch creates nothing twice.
/// </summary>
public static class RunImport
{
    /// <summary>The job's first run and its three automatic retries (CommandJob's AutomaticRetry): after that the import is Failed.</summary>
    public const int MaxAttempts = 4;

    public sealed record Command(Guid ImportId) : ICommand<Result>, INotAudited, IOwnsTransactions;

    public sealed record Result(ImportStatus Status);

    internal sealed class Handler(VerificationDb db, ISender sender, EvidenceStore store, ImportSettings settings,
        IValidator<ClaimInput> validator, TimeProvider clock, ILogger<Command> logger)
        : ICommandHandler<Command, Result>
    {
        /// <summary>A dry run's external ids of valid rows so far (see <see cref="ImportClaims.Command.EarlierInFile"/>); null in a real run.</summary>
        private HashSet<string>? _earlierInFile;

        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var id = command.ImportId;
            var import = await db.Imports.AsNoTracking().Where(i => i.Id == id)
                .Select(i => new { i.Status, i.Format, i.FileSha256, i.DatasetVersion, i.DryRun })
                .FirstOrDefaultAsync(cancellationToken) ?? throw new NotFound("Import", id);
            if (import.Status is ImportStatus.Succeeded or ImportStatus.Failed)
                return new Result(import.Status);

            var reader = ImportFormats.ReaderFor(import.Format);
            var context = new ImportReadContext(import.DatasetVersion);
            int totalRows;
            try
            {
                totalRows = await CheckFileAsync(reader, import.FileSha256, context, cancellationToken);
            }
            catch (ImportFileInvalid e)
            {
                return await FinishAsync(id, e.Message, cancellationToken);
            }

            var run = await sender.Send(new BeginImport.Command(id, totalRows), cancellationToken);
            db.ChangeTracker.Clear();
            _earlierInFile = import.DryRun ? new HashSet<string>(StringComparer.Ordinal) : null;
            // Every entity a batch writes is new, and ImportClaims detects the one change to a tracked entity (the import)
            // itself: scanning the whole batch for changes at each SaveChanges was a tenth of an import's time.
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            await using var journal = await SqliteImportConnection.HoldAsync(db, cancellationToken);
            try
            {
                await using var file = store.OpenRead(import.FileSha256);
                // The file is read, mapped and checked up to one batch ahead of the batch being written, on another thread:
                // an import is part CPU (CSV, mapping, validation) and part waiting on the database, and the two overlap.
                // The rows come over in small chunks, so what waits is at most one batch and one chunk: memory stays flat.
                var chunk = Math.Clamp(settings.BatchSize / 10, 1, 100);
                var chunks = Channel.CreateBounded<CheckedBatch>(new BoundedChannelOptions((settings.BatchSize + chunk - 1) / chunk)
                {
                    SingleReader = true,
                    SingleWriter = true,
                });
                using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                // A real bulk run also has the reader prepare each valid row's digest and search text (ImportClaims.Handler.Prepare).
                Guid? prepareFor = settings.BulkWriter && !import.DryRun ? id : null;
                var claimsTable = BulkTable.For<Claim>(db);
                var reading = Task.Run(() => ReadAheadAsync(reader, file, context, run.ProcessedRows, prepareFor, claimsTable, chunk, chunks.Writer, stopReading.Token),
                    stopReading.Token);
                try
                {
                    var batch = new CheckedBatch(settings.BatchSize);
                    await foreach (var part in chunks.Reader.ReadAllAsync(cancellationToken))
                    {
                        batch.Add(part);
                        if (batch.Rows.Count < settings.BatchSize)
                            continue;
                        await SendAsync(id, batch, cancellationToken);
                        batch = new CheckedBatch(settings.BatchSize);
                    }
                    if (batch.Rows.Count > 0)
                        await SendAsync(id, batch, cancellationToken);
                    // Rethrows what ended the reading early (a changed file: ImportFileInvalid), after the batches before it.
                    await reading;
                }
                finally
                {
                    if (!reading.IsCompleted)
                    {
                        await stopReading.CancelAsync();
                        try
                        {
                            await reading;
                        }
                        catch (OperationCanceledException)
                        {
                            // Stopped because the writing side stopped first (its error is the one that matters).
                        }
                    }
                }
                db.ChangeTracker.AutoDetectChangesEnabled = true;
                return await FinishAsync(id, null, cancellationToken);
            }
            catch (AnotherRunIsAhead)
            {
                // A second job of this import (queued again by RequeueStuckImports, or by hand) committed this batch
                // first: that run carries on and finishes the import; this one leaves without touching it.
                logger.LogInformation("Import {ImportId}: another run of it is ahead of this one, which stops", id);
                return new Result(ImportStatus.Running);
            }
            catch (ImportFileInvalid e)
            {
                // The first pass read this file cleanly, so this is a changed file; what was committed stays, and says so.
                db.ChangeTracker.Clear();
                db.ChangeTracker.AutoDetectChangesEnabled = true;
                return await FinishAsync(id, e.Message, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException && run.Attempt >= MaxAttempts)
            {
                logger.LogError(e, "Import {ImportId} gave up after {Attempts} attempts", id, run.Attempt);
                db.ChangeTracker.Clear();
                db.ChangeTracker.AutoDetectChangesEnabled = true;
                return await FinishAsync(id,
                    $"The import stopped on an internal error after {run.Attempt} attempts. The rows counted in processedRows are recorded; "
                    + "the server log names the error. Uploading the file again imports the rest (rows already imported are skipped).",
                    cancellationToken);
            }
        }

        /// <summary>
        /// Reads the rows after <paramref name="processedRows"/> and hands them on in batches, each row already checked
        /// (<see cref="ImportClaims.Handler.Check"/>, the same check the batch would run). Runs beside the batches being
        /// written; touches no database.
        /// </summary>
        private async Task ReadAheadAsync(IImportFormatReader reader, Stream file, ImportReadContext context, int processedRows,
            Guid? prepareFor, BulkTable claimsTable, int chunk, ChannelWriter<CheckedBatch> batches, CancellationToken ct)
        {
            try
            {
                var batch = new CheckedBatch(chunk);
                var inBatch = 0;
                await foreach (var row in reader.ReadAsync(file, context, ct))
                {
                    var today = clock.LatestToday();
                    if (row.Row <= processedRows)
                    {
                        // Committed by an earlier attempt. A dry run still needs to know which ids those rows would have created
                        // (these rows all come before the first batch, which the channel hands over after them).
                        if (_earlierInFile is not null && ImportClaims.Handler.Check(row, reader, validator, today, out _).Count == 0)
                            _earlierInFile.Add(row.Claim!.ExternalId!.Trim());
                        continue;
                    }
                    var problems = ImportClaims.Handler.Check(row, reader, validator, today, out var details);
                    var prepared = problems.Count == 0 && prepareFor is { } importId ? ImportClaims.Handler.Prepare(importId, row, details!, claimsTable) : null;
                    batch.Add(row, new ImportClaims.RowCheck(problems, details, prepared));
                    // A chunk never spans two batches: a batch is exactly Imports:BatchSize rows, as without the read-ahead.
                    if (++inBatch == settings.BatchSize || batch.Rows.Count == chunk)
                    {
                        await batches.WriteAsync(batch, ct);
                        batch = new CheckedBatch(chunk);
                        inBatch %= settings.BatchSize;
                    }
                }
                if (batch.Rows.Count > 0)
                    await batches.WriteAsync(batch, ct);
            }
            finally
            {
                batches.TryComplete();
            }
        }

        private async Task SendAsync(Guid id, CheckedBatch batch, CancellationToken ct)
        {
            ImportClaims.Result result;
            try
            {
                result = await sender.Send(new ImportClaims.Command(id, batch.Rows[0].Row, batch.Rows[^1].Row, batch.Rows, _earlierInFile, batch.Checks), ct);
            }
            catch (Exception e) when (e is DbUpdateException or RuleNotSatisfied or TransitionNotAllowed)
            {
                // The batch rolled back. If the import has moved past its first row meanwhile, another run of the same
                // import got there first (its batch committed, so this one found the rows taken or the version changed).
                db.ChangeTracker.Clear();
                var now = await db.Imports.AsNoTracking().Where(i => i.Id == id).Select(i => new { i.ProcessedRows, i.Status })
                    .FirstAsync(ct);
                if (now.ProcessedRows >= batch.Rows[0].Row || now.Status is ImportStatus.Succeeded or ImportStatus.Failed)
                    throw new AnotherRunIsAhead();
                throw;
            }
            _earlierInFile?.UnionWith(result.ValidExternalIds);
            // Each batch is its own unit: nothing of it stays tracked, so memory stays flat however long the file.
            db.ChangeTracker.Clear();
        }

        private async Task<Result> FinishAsync(Guid id, string? failureReason, CancellationToken ct)
        {
            await SqliteImportConnection.SyncCommitsAsync(db, ct);
            var finished = await sender.Send(new FinishImport.Command(id, failureReason), ct);
            return new Result(finished.Status);
        }

        /// <summary>
        /// Reads the stored file through once: its SHA-256 must still be the one it was uploaded with (the evidence
        /// store is content-addressed, so a mismatch means damaged or changed bytes), it must read cleanly in its
        /// format, and the number of rows it holds becomes totalRows.
        /// </summary>
        private async Task<int> CheckFileAsync(IImportFormatReader reader, string sha256, ImportReadContext context, CancellationToken ct)
        {
            if (!store.Exists(sha256))
                throw new ImportFileInvalid($"The uploaded file (SHA-256 {sha256}) is no longer in the evidence store.");
            await using var file = store.OpenRead(sha256);
            await using var hashing = new HashingReadStream(file);
            var rows = await reader.CountAsync(hashing, context, ct);
            // Whatever the reader left unread (trailing blanks) still counts towards the hash.
            if (await hashing.FinishAsync(ct) != sha256)
                throw new ImportFileInvalid("The stored file no longer matches the SHA-256 it was uploaded with; nothing more is imported from it.");
            return rows;
        }
    }

    /// <summary>A batch (or a chunk of one) of rows as read, each with its check.</summary>
    private sealed class CheckedBatch(int capacity)
    {
        public List<ImportRow> Rows { get; } = new(capacity);
        public List<ImportClaims.RowCheck> Checks { get; } = new(capacity);

        public void Add(ImportRow row, ImportClaims.RowCheck check)
        {
            Rows.Add(row);
            Checks.Add(check);
        }

        public void Add(CheckedBatch part)
        {
            Rows.AddRange(part.Rows);
            Checks.AddRange(part.Checks);
        }
    }

    /// <summary>Another run of the same import has committed the rows this run was about to commit.</summary>
    private sealed class AnotherRunIsAhead : Exception;
}
