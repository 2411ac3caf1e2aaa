using System.Buffers;
using System.Text.Json;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Keys;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Partners;

/// <summary>
/// The signed manifest of one of the caller's exports (API.md, Integrity): the count, the SHA-256 of the exact bytes
/// sent, each record's id, version and SHA-256 in the order written, and the signed tree head current at export time.
/// The body is signed as served, so a partner keeps body and signature together and checks them offline against the
/// published key (docs/integrity.md). Another partner's export, or one that never existed, is 404; an export whose
/// download did not finish has no manifest (409).
/// </summary>
public static class GetExportManifest
{
    public sealed record Query(PartnerCaller Partner, Guid ExportId) : IQuery<SignedJsonResult>;

    /// <summary>The manifest's shape, for the OpenAPI document; the body is written field by field in this order.</summary>
    public sealed record Manifest(Guid ExportId, string Format, DateTime CreatedAt, long RecordCount, string Sha256,
        IReadOnlyList<ManifestRecord> Records, JsonElement? Head);

    public sealed record ManifestRecord(Guid Id, long Version, string Sha256);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => RuleFor(q => q.ExportId).NotEmpty();
    }

    internal sealed class Handler(VerificationDb db, IInstanceSigner signer, IOptions<JsonOptions> jsonOptions) : IQueryHandler<Query, SignedJsonResult>
    {
        public async ValueTask<SignedJsonResult> Handle(Query query, CancellationToken cancellationToken)
        {
            var export = await db.PartnerExports.AsNoTracking()
                .SingleOrDefaultAsync(e => e.Id == query.ExportId && e.PartnerId == query.Partner.Id, cancellationToken)
                ?? throw new NotFound("Export", query.ExportId);
            if (!export.IsFinished)
                throw new RuleNotSatisfied("Export not finished",
                    "This export's download did not reach its last byte, so it has no manifest; export again.");

            var body = new ArrayBufferWriter<byte>(64 * 1024);
            await using (var json = new Utf8JsonWriter(body, new JsonWriterOptions { Encoder = jsonOptions.Value.SerializerOptions.Encoder }))
            {
                json.WriteStartObject();
                json.WriteString("exportId", export.Id);
                json.WriteString("format", export.Format);
                json.WriteString("createdAt", DateTime.SpecifyKind(export.CreatedAt, DateTimeKind.Utc));
                json.WriteNumber("recordCount", export.RecordCount!.Value);
                json.WriteString("sha256", export.Sha256);
                json.WriteStartArray("records");
                var records = db.PartnerExportRecords.AsNoTracking().Where(r => r.ExportId == export.Id).OrderBy(r => r.Ordinal)
                    .Select(r => new { r.ClaimId, r.ClaimVersion, r.Sha256 }).AsAsyncEnumerable();
                await foreach (var record in records.WithCancellation(cancellationToken))
                {
                    json.WriteStartObject();
                    json.WriteString("id", record.ClaimId);
                    json.WriteNumber("version", record.ClaimVersion);
                    json.WriteString("sha256", record.Sha256);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WritePropertyName("head");
                if (export.Head is null)
                    json.WriteNullValue();
                else
                    json.WriteRawValue(export.Head, skipInputValidation: false);
                json.WriteEndObject();
            }
            return new SignedJsonResult(body.WrittenMemory, signer.KeyId, signer.Sign(body.WrittenSpan));
        }
    }
}
