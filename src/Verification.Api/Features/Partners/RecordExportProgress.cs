using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Pipeline;
using Verification.Domain.Partners;
using Verification.Persistence;

namespace Verification.Api.Features.Partners;

/// <summary>
/// What part of an export has gone out: the records written (for the manifest) and every evidence summary they handed to
/// the partner, each a <c>Shared</c> link in that item's chain of custody; the last batch also seals the export with its
/// count and hash. One short transaction per batch. Not audited batch by batch: the export's own audit entry already
/// names the share, the custody events carry its id, and the manifest is signed when served.
/// </summary>
public static class RecordExportProgress
{
    public const int MaxBatch = 1000;

    public sealed record Record(long Ordinal, Guid ClaimId, long ClaimVersion, string Sha256);

    public sealed record Finished(long RecordCount, string Sha256);

    public sealed record Command(Guid PartnerId, Guid ExportId, string Format, IReadOnlyList<Guid> EvidenceIds,
        IReadOnlyList<Record> Records, Finished? Finish) : ICommand<Result>, INotAudited;

    public sealed record Result(int Shared);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.EvidenceIds).NotNull().Must(ids => ids.Count <= MaxBatch);
            RuleFor(c => c.Records).NotNull().Must(records => records.Count <= MaxBatch);
        }
    }

    internal sealed class Handler(VerificationDb db, TimeProvider clock) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var evidence = command.EvidenceIds.Distinct().ToList();
            foreach (var evidenceId in evidence)
                db.CustodyEvents.Add(PartnerShare.Of(evidenceId, command.PartnerId, command.ExportId, command.Format, now));
            foreach (var record in command.Records)
                db.PartnerExportRecords.Add(PartnerExportRecord.Of(command.ExportId, record.Ordinal, record.ClaimId, record.ClaimVersion, record.Sha256));
            if (command.Finish is { } finish)
            {
                var export = await db.PartnerExports.SingleAsync(e => e.Id == command.ExportId, cancellationToken);
                export.Finish(finish.RecordCount, finish.Sha256, now);
            }
            await db.SaveChangesAsync(cancellationToken);
            return new Result(evidence.Count);
        }
    }
}
