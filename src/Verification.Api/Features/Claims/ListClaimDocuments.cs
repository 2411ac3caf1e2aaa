using FluentValidation;
using FluentValidation.Results;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Features.ReadModel;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Persistence;

namespace Verification.Api.Features.Claims;

/// <summary>
/// <c>GET /api/v1/claims</c> from the read side: <see cref="ListClaims"/>'s filter, order and cut on the indexed
/// <c>Claims</c> columns, materialized as each claim's stored staff document instead of an assembled answer.
/// </summary>
public static class ListClaimDocuments
{
    public sealed record Query(ListClaims.Query Filter) : IQuery<StoredPage>;

    /// <summary>The list's own rules, with the same field names in the problem (limit, cursor, countryCode…).</summary>
    public sealed class Validator : AbstractValidator<Query>
    {
        private static readonly ListClaims.Validator Filter = new();

        public override Task<ValidationResult> ValidateAsync(ValidationContext<Query> context, CancellationToken cancellation = default) =>
            Filter.ValidateAsync(context.InstanceToValidate.Filter, cancellation);

        public override ValidationResult Validate(ValidationContext<Query> context) => Filter.Validate(context.InstanceToValidate.Filter);
    }

    internal sealed class Handler(VerificationDb db, ICurrentUser user, ClaimDocumentBuilder builder) : IQueryHandler<Query, StoredPage>
    {
        public async ValueTask<StoredPage> Handle(Query query, CancellationToken cancellationToken)
        {
            var documents = db.ClaimDocuments.AsNoTracking();
            var rows = await ListClaims.Handler.PageOf(db, user, query.Filter)
                .Select(c => new Row(c.Id, c.Number, c.Version,
                    documents.Where(d => d.ClaimId == c.Id).Select(d => (long?)d.Version).FirstOrDefault(),
                    documents.Where(d => d.ClaimId == c.Id).Select(d => d.Staff).FirstOrDefault()))
                .ToListAsync(cancellationToken);
            var limit = query.Filter.Limit;
            var next = rows.Count > limit ? await ListClaims.Handler.NextCursorAsync(db, query.Filter, rows[limit - 1].Number, cancellationToken) : null;
            if (rows.Count > limit)
                rows.RemoveRange(limit, rows.Count - limit);
            var missing = rows.Where(r => r.Staff is null || r.DocumentVersion != r.Version).Select(r => r.Id).ToList();
            var built = missing.Count == 0 ? null : await builder.BuildAsync(db, missing, cancellationToken);
            var items = new List<byte[]>(rows.Count);
            foreach (var row in rows)
            {
                if (row.Staff is not null && row.DocumentVersion == row.Version)
                    items.Add(row.Staff);
                else if (built!.TryGetValue(row.Id, out var fresh))
                    items.Add(fresh.Staff);
            }
            return new StoredPage(items, next);
        }

        private sealed record Row(Guid Id, long Number, long Version, long? DocumentVersion, byte[]? Staff);
    }
}
