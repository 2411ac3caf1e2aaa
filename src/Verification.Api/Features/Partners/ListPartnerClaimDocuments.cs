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
            return await builder.ComposePageAsync(db, filter.Limit, bytesPerItem: 2048,
                body => claims.PageBodyAsync(filter, level, filter.Limit, filter.Cursor, body, cancellationToken),
                fresh => level == SharingLevel.Public ? fresh.PartnerPublic : fresh.PartnerRestricted, cancellationToken);
        }
    }
}
