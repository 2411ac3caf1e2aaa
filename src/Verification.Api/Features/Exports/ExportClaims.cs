using System.Globalization;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Verification.Api.Features.Claims;
using Verification.Api.Features.Partners;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Persistence;

namespace Verification.Api.Features.Exports;

/// <summary>
/// Reviewers and coordinators export the claims that match the list's filters, at every stage, with the internal
/// fields (<see cref="StaffExportShape"/>), in the partner export's three formats and through the same writer. The
/// export is a command: its audit entry (naming the caller and the export, with the digest of the filters) is committed
/// before the first byte is written; the handler answers the stream, which the endpoint only writes. <c>bom=true</c>
/// starts the body with a UTF-8 byte-order mark, so spreadsheet programs read accents right.
/// </summary>
public static class ExportClaims
{
    public sealed record Command(string Format, bool Bom, ListClaims.Query Filters) : ICommand<Result>;

    public sealed record Result(Guid ExportId, string ContentType, string FileName, Func<HashedBody, CancellationToken, Task> WriteAsync) : IAuditTarget
    {
        public string AuditTargetId => ExportId.ToString();
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Format).Must(PartnerExportFormats.All.Contains)
                .WithMessage($"format is one of {string.Join(", ", PartnerExportFormats.All)}.");
            RuleFor(c => c.Filters).SetValidator(new ListClaims.Validator());
        }
    }

    private static readonly byte[] ByteOrderMark = [0xEF, 0xBB, 0xBF];

    internal sealed class Handler(VerificationDb db, ICurrentUser user, TimeProvider clock, IOptions<JsonOptions> jsonOptions)
        : ICommandHandler<Command, Result>
    {
        public ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var exportId = Guid.CreateVersion7();
            var stamp = clock.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
            var json = jsonOptions.Value.SerializerOptions;
            var me = user.Id;
            var claims = ListClaims.Handler.Filter(db, db.Claims.AsNoTracking().VisibleTo(user), command.Filters, me);
            return ValueTask.FromResult(new Result(exportId, PartnerExportFormats.ContentType(command.Format),
                $"verification-staff-claims-{stamp}.{command.Format}",
                async (body, ct) =>
                {
                    if (command.Bom)
                        await body.WriteAsync(ByteOrderMark, ct);
                    // Oldest first by claim number: a stable order that a later export of the same filters repeats.
                    var rows = claims.OrderBy(c => c.Number).Select(ClaimProjection.ToResponse).AsAsyncEnumerable();
                    await PartnerExportFormats.WriteAsync(command.Format, body, rows, json, StaffExportShape.Shape, null, ct);
                    await body.FinishAsync(ct);
                }));
        }
    }
}
