using FluentValidation;
using FluentValidation.Results;
using Mediator;
using Verification.Api.Features.ReadModel;
using Verification.Domain.Partners;
using Verification.Persistence;

namespace Verification.Api.Features.Partners;

/// <summary>
/// <c>GET /api/v1/partner/claims</c> from the read side: <see cref="ListPartnerClaims"/>'s filter, order and cut,
/// materialized as each claim's stored document for the partner's sharing level.
/// </summary>
public static class ListPartnerClaimDocuments
{
    public sealed record Query(ListPartnerClaims.Query Filter) : IQuery<StoredPage>;

    /// <summary>The list's own rules, with the same field names in the problem.</summary>
    public sealed class Validator : AbstractValidator<Query>
    {
        private static readonly ListPartnerClaims.Validator Filter = new();

        public override Task<ValidationResult> ValidateAsync(ValidationContext<Query> context, CancellationToken cancellation = default) =>
            Filter.ValidateAsync(context.InstanceToValidate.Filter, cancellation);

        public override ValidationResult Validate(ValidationContext<Query> context) => Filter.Validate(context.InstanceToValidate.Filter);
    }

    internal sealed class Handler(VerificationDb db, PartnerClaimReader claims, ClaimDocumentBuilder builder) : IQueryHandler<Query, StoredPage>
    {
        public async ValueTask<StoredPage> Handle(Query query, CancellationToken cancellationToken)
        {
            var filter = query.Filter;
            var level = filter.Partner.SharingLevel;
            var page = await claims.PageDocumentsAsync(filter, level, filter.Limit, filter.Cursor, cancellationToken);
            var missing = page.Rows.Where(r => !r.Current).Select(r => r.Id).ToList();
            var built = missing.Count == 0 ? null : await builder.BuildAsync(db, missing, cancellationToken);
            var items = new List<byte[]>(page.Rows.Count);
            foreach (var row in page.Rows)
            {
                if (row.Current)
                    items.Add(row.Document!);
                else if (built!.TryGetValue(row.Id, out var fresh)
                         && (level == SharingLevel.Public ? fresh.PartnerPublic : fresh.PartnerRestricted) is { } bytes)
                    items.Add(bytes);
            }
            return new StoredPage(items, page.NextCursor);
        }
    }
}
