using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Common;
using Verification.Domain.Imports;
using Verification.Persistence;

namespace Verification.Api.Features.Imports;

public static class GetImport
{
    public sealed record Query(Guid ImportId) : IQuery<ImportResponse>;

    internal sealed class Handler(VerificationDb db, ICurrentUser user) : IQueryHandler<Query, ImportResponse>
    {
        public async ValueTask<ImportResponse> Handle(Query query, CancellationToken cancellationToken)
        {
            var summary = await db.Imports.AsNoTracking().VisibleTo(user).Where(i => i.Id == query.ImportId)
                .Select(ImportProjection.ToSummary)
                .FirstOrDefaultAsync(cancellationToken) ?? throw new NotFound("Import", query.ImportId);
            var errors = await db.ImportErrors.AsNoTracking().Where(e => e.ImportId == query.ImportId)
                .OrderBy(e => e.Ordinal)
                .Select(e => new ImportErrorResponse(e.Row, e.Field, e.Message))
                .ToListAsync(cancellationToken);
            return ImportResponse.From(summary, errors);
        }
    }
}
