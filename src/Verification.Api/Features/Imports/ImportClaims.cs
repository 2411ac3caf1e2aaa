using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Features.Claims;
using Verification.Api.Features.Imports.Formats;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Persistence.Bulk;
using Verification.Api.Pipeline;
using Verification.Domain.Claims;
using Verification.Domain.Common;
using Verification.Persistence;
using Verification.Persistence.Search;

namespace Verification.Api.Features.Imports;

/// <summary>
/// One batch of an import's rows, in one transaction: each row is checked with the same validator as
/// <c>POST /claims</c> and the domain's own invariants; a row whose external id already exists is skipped; the rest
/// become Submitted claims of the importer, numbered like any other claim. The import's progress moves in the same
/// transaction, and each created claim gets its audit entry, so a crash leaves either the whole batch or none of it.
/// </summary>
public static class ImportClaims
{
    /// <param name="EarlierInFile">
    /// A dry run's external ids of the valid rows before this batch. A real run finds an id repeated further down the
    /// file in the database (the first occurrence was created) and skips the repeat; a dry run writes nothing, so it is
    /// told which ids the earlier rows would have created, and its counts are the real run's. Empty for a real run.
    /// </param>
    /// <param name="Checks">
    /// Each row's check, when the reader already ran it (<see cref="Handler.Check"/>, RunImport's read-ahead); otherwise the
    /// handler checks the rows itself.
    /// </param>
    public sealed record Command(Guid ImportId, int FirstRow, int LastRow, IReadOnlyList<ImportRow> Rows,
        [property: NotAudited] IReadOnlySet<string>? EarlierInFile = null,
        [property: NotAudited] IReadOnlyList<RowCheck>? Checks = null) : ICommand<Result>;

    /// <summary>What <see cref="Handler.Check"/> found for one row: its problems, or the claim's details when it has none.</summary>
    /// <param name="Prepared">What the bulk path needs of a valid row that does not depend on the write, when the reader computed it (<see cref="Handler.Prepare"/>).</param>
    public sealed record RowCheck(IReadOnlyList<RowProblem> Problems, ClaimDetails? Details, PreparedRow? Prepared = null);

    /// <summary>
    /// A valid row's audit change digest, folded search text and the stored text of its claim's list columns, computed from
    /// the row alone on RunImport's read-ahead thread, which is otherwise idle while the batch's thread writes: the batch then
    /// only numbers, writes and adds them.
    /// </summary>
    public sealed record PreparedRow(string ChangeDigest, ClaimSearchDocument SearchDocument, IReadOnlyList<PreparedColumnValue> Columns);

    /// <summary>
    /// One audit entry per created claim, like a submission's: the claim's history then starts in the audit chain
    /// whether it was typed in or imported (docs/imports.md).
    /// </summary>
    /// <param name="ValidExternalIds">The external ids of the batch's valid rows (created or skipped): what a dry run passes on to later batches.</param>
    /// <param name="ClaimsWrittenInBulk">The created claims when the bulk writer stored them (Imports:BulkWriter), so the audit entries still cover their states.</param>
    /// <param name="ClaimsAsStored">
    /// Those of them whose rows hold exactly what their objects hold (<see cref="StoredAsWritten"/>): the audit entry and the
    /// projections are computed from the objects, without reading the rows back.
    /// </param>
    public sealed record Result(int Created, int Skipped, int Failed, IReadOnlyList<AuditedChange> AuditChanges, IReadOnlyList<string> ValidExternalIds,
        IReadOnlyCollection<Guid> ClaimsWrittenInBulk, IReadOnlyCollection<Claim> ClaimsAsStored,
        IReadOnlyDictionary<Guid, ClaimSearchDocument> FoldedSearchDocuments)
        : IAuditChanges, IMaybeUnchanged, IClaimsWrittenInBulk
    {
        public bool Unchanged => AuditChanges.Count == 0;
    }

    internal sealed class Handler(VerificationDb db, TimeProvider clock, IValidator<ClaimInput> validator, ImportSettings settings, IBulkWriter bulk)
        : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var import = await db.Imports.FirstOrDefaultAsync(i => i.Id == command.ImportId, cancellationToken)
                ?? throw new NotFound("Import", command.ImportId);
            var reader = ImportFormats.ReaderFor(import.Format);
            var today = clock.LatestToday();
            // Whole microseconds, as PostgreSQL stores a time: the claims in memory then hold what their rows hold.
            var now = StoredAsWritten.Time(clock.GetUtcNow().UtcDateTime);

            var errors = new List<(int Row, string Field, string Message)>();
            var failed = 0;
            var valid = new List<(ImportRow Row, ClaimDetails Details, string ExternalId, PreparedRow? Prepared)>();
            if (command.Checks is { } checks && checks.Count != command.Rows.Count)
                throw new ArgumentException("One check per row.", nameof(command));
            for (var r = 0; r < command.Rows.Count; r++)
            {
                var row = command.Rows[r];
                ClaimDetails? details;
                IReadOnlyList<RowProblem> problems;
                PreparedRow? prepared = null;
                if (command.Checks is { } check)
                    (problems, details, prepared) = (check[r].Problems, check[r].Details, check[r].Prepared);
                else
                    problems = Check(row, reader, validator, today, out details);
                if (problems.Count > 0)
                {
                    failed++;
                    errors.AddRange(problems.Select(p => (row.Row, p.Field, p.Message)));
                    continue;
                }
                valid.Add((row, details!, row.Claim!.ExternalId!.Trim(), prepared));
            }

            var externalIds = valid.Select(v => v.ExternalId).Distinct().ToList();
            var existing = externalIds.Count == 0 ? [] : (await db.Claims.AsNoTracking()
                .Where(c => c.ExternalId != null && externalIds.Contains(c.ExternalId))
                .Select(c => c.ExternalId!)
                .ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
            if (import.DryRun && command.EarlierInFile is { Count: > 0 } earlier)
                existing.UnionWith(externalIds.Where(earlier.Contains));
            // A second row with the same external id in this batch is skipped like one already in the database.
            var fresh = valid.Where(v => existing.Add(v.ExternalId)).ToList();

            var changes = new List<AuditedChange>();
            var claims = new List<Claim>(fresh.Count);
            var folded = new Dictionary<Guid, ClaimSearchDocument>();
            var convertedAhead = new PreparedColumnValues();
            if (!import.DryRun && fresh.Count > 0)
            {
                await FastCompression.UseInTransactionAsync(db, cancellationToken);
                var numbers = await ClaimNumbersInBulk.IssueAsync(db, fresh.Count, now, settings.BulkWriter, cancellationToken);
                for (var i = 0; i < fresh.Count; i++)
                {
                    var (row, details, externalId, prepared) = fresh[i];
                    var claim = Claim.Submit(Guid.CreateVersion7(), numbers[i], import.CreatedBy, now, details, externalId, import.Id);
                    claims.Add(claim);
                    // Only the bulk path takes what the reader prepared: the tracked path computes everything itself, and so
                    // stays the reference the bulk path is compared with (ImportBulkEqualityTests).
                    prepared = settings.BulkWriter ? prepared : null;
                    changes.Add(new AuditedChange(claim.Id.ToString(), ChangeOf(import.Id, row), prepared?.ChangeDigest));
                    if (prepared is null)
                        continue;
                    folded[claim.Id] = prepared.SearchDocument;
                    foreach (var column in prepared.Columns)
                        convertedAhead.Add(column);
                }
                if (settings.BulkWriter)
                {
                    // COPY / prepared multi-row INSERT / SqlBulkCopy: the same rows SaveChanges would write, untracked.
                    await bulk.WriteAsync(db, claims, convertedAhead, cancellationToken);
                    await bulk.WriteAsync(db, [.. claims.SelectMany(c => c.History)], cancellationToken);
                }
                else
                {
                    db.Claims.AddRange(claims);
                }
            }

            var skipped = valid.Count - fresh.Count;
            db.ImportErrors.AddRange(import.RecordBatch(command.FirstRow, command.LastRow, fresh.Count, skipped, failed, errors));
            // Everything else of the batch is new (Added); the import is the one tracked entity that changed. Detecting
            // that one change is enough when the run has switched automatic change detection off (RunImport).
            db.Entry(import).DetectChanges();
            return new Result(import.DryRun ? 0 : fresh.Count, skipped, failed, changes, externalIds,
                settings.BulkWriter ? [.. claims.Select(c => c.Id)] : [],
                settings.BulkWriter ? [.. claims.Where(c => StoredAsWritten.Holds(db, c, convertedAhead))] : [], folded);
        }

        /// <summary>What a created claim's audit entry records was asked of it: the same for a prepared digest and one computed here.</summary>
        private static object ChangeOf(Guid importId, ImportRow row) => new { importId, row = row.Row, claim = row.Claim };

        /// <summary>
        /// What a batch would compute from a valid row alone, computed ahead (by RunImport's read-ahead, off the batch's thread):
        /// the audit change digest of the claim it creates, its search text (<see cref="ClaimSearchDocument.Unnumbered"/>), and
        /// the JSON text of its list columns as the claims' <see cref="BulkTable"/> stores them (the claim holds these very lists).
        /// </summary>
        internal static PreparedRow Prepare(Guid importId, ImportRow row, ClaimDetails details, BulkTable claims) =>
            new(AuditDigest.Of(ChangeOf(importId, row)), ClaimSearchDocument.Unnumbered(details),
                [claims.Prepare(nameof(Claim.Perpetrators), details.Perpetrators), claims.Prepare(nameof(Claim.Sources), details.Sources)]);

        /// <summary>The problems of one row, named by the file's own field names; none when it is a valid claim.</summary>
        internal static List<RowProblem> Check(ImportRow row, IImportFormatReader reader, IValidator<ClaimInput> validator, DateOnly today,
            out ClaimDetails? details)
        {
            details = null;
            if (row.Claim is not { } claim)
                return [.. row.Problems];
            if (string.IsNullOrWhiteSpace(claim.ExternalId))
                return [new RowProblem(reader.FieldFor("externalId"), "An imported row needs an external id, so that importing it again skips it.")];
            var result = validator.Validate(claim);
            if (!result.IsValid)
            {
                return [.. result.Errors
                    .Select(e => new RowProblem(reader.FieldFor(ProblemDetailsExceptionHandler.FieldPath(e.PropertyName)), e.ErrorMessage))
                    .DistinctBy(p => (p.Field, p.Message))];
            }
            try
            {
                details = claim.ToDetails(today);
                return [];
            }
            catch (InvariantViolation e)
            {
                return [new RowProblem(reader.FieldFor(e.Field), e.Message)];
            }
        }
    }
}
