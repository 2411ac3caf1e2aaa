using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Integrity;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Claims;
using Verification.Domain.Common;
using Verification.Domain.Partners;
using Verification.Domain.Verdicts;
using Verification.Persistence;

namespace Verification.Api.Features.Partners;

/// <summary>
/// A partner exports every decided claim that matches its filters. The export is recorded (and audited, naming the
/// partner and the export) before its first byte is written, with the signed tree head current at that moment; the
/// handler answers the stream, which the endpoint only writes. As records go out, each one's SHA-256 and the evidence it
/// exposed (a <c>Shared</c> custody event per item) are recorded in batches, and the last byte seals the manifest with
/// the count and the SHA-256 of the whole body (<see cref="GetExportManifest"/>).
/// </summary>
public static class ExportPartnerClaims
{
    public sealed record Command(PartnerCaller Partner, string Format, DateTimeOffset? UpdatedSince, string? CountryCode,
        VerdictRating? Rating, ViolationType? ViolationType, string? Q = null, string? Bbox = null) : ICommand<Result>, IPartnerClaimFilter;

    public sealed record Result(Guid ExportId, string Format, string ContentType, string FileName, Func<HashedBody, CancellationToken, Task> WriteAsync)
        : IAuditTarget
    {
        public string AuditTargetId => ExportId.ToString();
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            this.AddFilterRules();
            RuleFor(c => c.Format).Must(PartnerExportFormats.All.Contains)
                .WithMessage($"format is one of {string.Join(", ", PartnerExportFormats.All)}.");
        }
    }

    internal sealed class Handler(VerificationDb db, PartnerClaimReader reader, IServiceScopeFactory scopes, TimeProvider clock,
        IOptions<JsonOptions> jsonOptions, ITreeHeads heads) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var exportId = Guid.CreateVersion7();
            var now = clock.GetUtcNow();
            // An instance that has signed no head yet exports with a null head.
            var head = await heads.LatestAsync(cancellationToken);
            var json = jsonOptions.Value.SerializerOptions;
            db.PartnerExports.Add(PartnerExport.Begin(exportId, command.Partner.Id, command.Format,
                head is null ? null : JsonSerializer.Serialize(head, json), now.UtcDateTime));

            var stamp = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
            return new Result(exportId, command.Format, PartnerExportFormats.ContentType(command.Format),
                $"verification-claims-{stamp}.{command.Format}",
                async (body, ct) =>
                {
                    var progress = new ExportProgress(command.Partner.Id, exportId, command.Format, scopes);
                    var claims = reader.StreamAsync(command, command.Partner.SharingLevel, ct);
                    var finished = false;
                    try
                    {
                        await PartnerExportFormats.WriteAsync(command.Format, body, claims, json, progress, ct);
                        var sha256 = await body.FinishAsync(ct);
                        await progress.FinishAsync(sha256, CancellationToken.None);
                        finished = true;
                    }
                    finally
                    {
                        // Also after a failure or a disconnect: what was handed to the response counts as shared.
                        if (!finished)
                            await progress.FlushAsync(null, CancellationToken.None);
                    }
                });
        }
    }

    /// <summary>Collects each written record's hash and exposed evidence, and records them in batches in scopes of their own.</summary>
    private sealed class ExportProgress(Guid partnerId, Guid exportId, string format, IServiceScopeFactory scopes) : IExportRecords
    {
        private const int Batch = 500;

        private readonly List<RecordExportProgress.Record> _records = new(Batch);
        private readonly List<Guid> _evidence = new(Batch * 2);
        private long _written;

        public ValueTask RecordAsync(PartnerClaim claim, ReadOnlySpan<byte> bytes, CancellationToken ct)
        {
            _records.Add(new(_written++, claim.Id, claim.Version, Hashing.Sha256Hex(bytes)));
            _evidence.AddRange(claim.Evidence.Select(e => e.Id));
            return _records.Count >= Batch || _evidence.Count >= RecordExportProgress.MaxBatch - 64
                ? new ValueTask(FlushAsync(null, ct))
                : ValueTask.CompletedTask;
        }

        public Task FinishAsync(string sha256, CancellationToken ct) => FlushAsync(new RecordExportProgress.Finished(_written, sha256), ct);

        public async Task FlushAsync(RecordExportProgress.Finished? finished, CancellationToken ct)
        {
            if (_records.Count == 0 && _evidence.Count == 0 && finished is null)
                return;
            // A scope of its own: the request's database connection is busy streaming the rows.
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ISender>()
                .Send(new RecordExportProgress.Command(partnerId, exportId, format, [.. _evidence], [.. _records], finished), ct);
            _records.Clear();
            _evidence.Clear();
        }
    }
}
