using System.Runtime.CompilerServices;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Claims;
using Verification.Domain.Partners;
using Verification.Domain.Verdicts;
using Verification.Persistence;

namespace Verification.Api.Features.Partners;

/// <summary>
/// An export is recorded before its first byte is written: one audit entry per export, naming the partner as the actor
/// and the export as the target, with the format and the filters in the digest. The rows are then streamed straight from
/// the database (<see cref="PartnerExport"/>).
/// </summary>
public static class RecordPartnerExport
{
    public static readonly IReadOnlyList<string> Formats = [PartnerExportFormats.Ndjson, PartnerExportFormats.Csv, PartnerExportFormats.GeoJson];

    public sealed record Command(PartnerCaller Partner, string Format, DateTimeOffset? UpdatedSince, string? CountryCode,
        VerdictRating? Rating, ViolationType? ViolationType) : ICommand<Result>, IPartnerClaimFilter;

    public sealed record Result(Guid ExportId) : IAuditTarget
    {
        public string AuditTargetId => ExportId.ToString();
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            this.AddFilterRules();
            RuleFor(c => c.Format).Must(Formats.Contains).WithMessage($"format is one of {string.Join(", ", Formats)}.");
        }
    }

    internal sealed class Handler : ICommandHandler<Command, Result>
    {
        public ValueTask<Result> Handle(Command command, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new Result(Guid.CreateVersion7()));
    }
}

/// <summary>
/// Every evidence summary an export hands to a partner is a <c>Shared</c> link in that item's chain of custody. Written in
/// batches while the export streams, each in its own short transaction; not audited one by one, because the export's own
/// audit entry already names the share and the custody events carry its id.
/// </summary>
public static class RecordEvidenceShared
{
    public const int MaxBatch = 1000;

    public sealed record Command(Guid PartnerId, Guid ExportId, string Format, IReadOnlyList<Guid> EvidenceIds) : ICommand<Result>, INotAudited;

    public sealed record Result(int Recorded);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.EvidenceIds).NotNull().Must(ids => ids.Count <= MaxBatch);
    }

    internal sealed class Handler(VerificationDb db, TimeProvider clock) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            foreach (var evidenceId in command.EvidenceIds.Distinct())
                db.CustodyEvents.Add(PartnerShare.Of(evidenceId, command.PartnerId, command.ExportId, command.Format, now));
            await db.SaveChangesAsync(cancellationToken);
            return new Result(command.EvidenceIds.Count);
        }
    }
}

/// <summary>The HTTP answer of an export: the recorded export, streamed in its format, with its shares recorded as it goes.</summary>
public sealed class PartnerExport(RecordPartnerExport.Command export, RecordPartnerExport.Result recorded) : IResult
{
    private const int ShareBatch = 500;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var services = httpContext.RequestServices;
        var ct = httpContext.RequestAborted;
        var json = services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var claims = services.GetRequiredService<PartnerClaimReader>().StreamAsync(export, export.Partner.SharingLevel, ct);
        var tracked = RecordingShares(claims, services.GetRequiredService<IServiceScopeFactory>(), ct);

        var response = httpContext.Response;
        var stamp = services.GetRequiredService<TimeProvider>().GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        response.ContentType = PartnerExportFormats.ContentType(export.Format);
        response.Headers.ContentDisposition = $"attachment; filename=\"verification-claims-{stamp}.{export.Format}\"";
        response.Headers["X-Export-Id"] = recorded.ExportId.ToString();
        await PartnerExportFormats.WriteAsync(export.Format, response, tracked, json, ct);
    }

    /// <summary>Passes the claims through and records, in batches, the evidence each one exposed once it was handed on.</summary>
    private async IAsyncEnumerable<PartnerClaim> RecordingShares(IAsyncEnumerable<PartnerClaim> claims, IServiceScopeFactory scopes,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var pending = new List<Guid>(ShareBatch + 64);
        try
        {
            await foreach (var claim in claims.WithCancellation(ct))
            {
                yield return claim;
                pending.AddRange(claim.Evidence.Select(e => e.Id));
                if (pending.Count >= ShareBatch)
                    await FlushAsync(pending, scopes, ct);
            }
        }
        finally
        {
            // Also after a failure or a disconnect: what was handed to the response counts as shared.
            if (pending.Count > 0)
                await FlushAsync(pending, scopes, CancellationToken.None);
        }
    }

    private async Task FlushAsync(List<Guid> pending, IServiceScopeFactory scopes, CancellationToken ct)
    {
        // A scope of its own: the request's database connection is busy streaming the rows.
        await using var scope = scopes.CreateAsyncScope();
        foreach (var batch in pending.Chunk(RecordEvidenceShared.MaxBatch))
        {
            await scope.ServiceProvider.GetRequiredService<ISender>()
                .Send(new RecordEvidenceShared.Command(export.Partner.Id, recorded.ExportId, export.Format, batch), ct);
        }
        pending.Clear();
    }
}
