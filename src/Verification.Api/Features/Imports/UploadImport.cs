using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Features.Evidence;
using Verification.Api.Features.Imports.Formats;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Infrastructure.Storage;
using Verification.Api.Pipeline;
using Verification.Domain.Imports;
using Verification.Persistence;

namespace Verification.Api.Features.Imports;

/// <summary>
/// Takes an import file in: checks what the first block already shows, keeps the bytes in the evidence store under
/// their SHA-256 and records the import as Queued. The run itself is a background job (<see cref="RunImport"/>) that
/// the endpoint queues once this command's transaction has committed.
/// </summary>
public static class UploadImport
{
    public sealed record Command(ImportOptions Options, [property: NotAudited] PendingBlob File, string? FileName, string? ContentDigest)
        : ICommand<Result>
    {
        /// <summary>In the audit digest: the intake entry binds the import to the exact bytes received.</summary>
        public string FileSha256 => File.Sha256;

        public long FileSizeBytes => File.SizeBytes;
    }

    public sealed record Result(ImportSummary Import) : IAuditTarget
    {
        public string AuditTargetId => Import.Id.ToString();
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Options).NotNull().DependentRules(() =>
            {
                RuleFor(c => c.Options.Format).NotEmpty()
                    .Must(f => ImportFormats.TryParse(f, out _))
                    .WithMessage($"format is one of {string.Join(", ", ImportFormats.Names)}.");
                RuleFor(c => c.Options.DatasetVersion).MaximumLength(20).Matches("^[0-9A-Za-z._-]+$")
                    .WithMessage("datasetVersion is a version such as 23.1.");
            });
            RuleFor(c => c.FileName).MaximumLength(300);
        }
    }

    internal sealed class Handler(VerificationDb db, ICurrentUser user, TimeProvider clock) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var file = command.File;
            if (file.SizeBytes == 0)
                throw new InvalidRequest("file", "The file is empty; nothing was kept.");
            if (command.ContentDigest is { } digest && ContentDigest.Sha256Hex(digest) != file.Sha256)
                throw new InvalidRequest("Content-Digest", "The file's SHA-256 does not match Content-Digest (sha-256=:<base64>:, RFC 9530); nothing was kept.");
            ImportFormats.TryParse(command.Options.Format, out var format);
            await CheckHeadAsync(ImportFormats.ReaderFor(format), file, cancellationToken);

            // The bytes go into place before the row is written: an import never names bytes that are not there.
            await file.CommitAsync(cancellationToken);
            var import = Import.Receive(Guid.CreateVersion7(), format, command.Options.DryRun ?? false, command.Options.DatasetVersion,
                file.Sha256, file.SizeBytes, Path.GetFileName(command.FileName), user.Id, clock.GetUtcNow().UtcDateTime);
            db.Imports.Add(import);
            await db.SaveChangesAsync(cancellationToken);
            return new Result(await db.Imports.AsNoTracking().Where(i => i.Id == import.Id).Select(ImportProjection.ToSummary)
                .SingleAsync(cancellationToken));
        }

        /// <summary>What can be seen at upload is answered at once (400), before anything is kept: encoding, the header, the shape.</summary>
        private static async Task CheckHeadAsync(IImportFormatReader reader, PendingBlob file, CancellationToken ct)
        {
            var head = new byte[(int)Math.Min(file.SizeBytes, ImportFormats.HeadBytes)];
            await using (var stream = new FileStream(file.TempPath, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous))
                await stream.ReadExactlyAsync(head, ct);
            try
            {
                reader.CheckHead(head, wholeFile: file.SizeBytes <= ImportFormats.HeadBytes);
            }
            catch (ImportFileInvalid e)
            {
                throw new InvalidRequest("file", $"{e.Message} Nothing was kept.");
            }
        }
    }
}
