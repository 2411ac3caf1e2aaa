using FluentValidation;
using Mediator;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Claims;
using Verification.Domain.Verdicts;

namespace Verification.Api.Features.Partners;

/// <summary>Decided claims for a partner, oldest change first: a partner syncs by passing the last updatedAt it saw.</summary>
public static class ListPartnerClaims
{
    public sealed record Query(PartnerCaller Partner, DateTimeOffset? UpdatedSince, string? CountryCode, VerdictRating? Rating,
        ViolationType? ViolationType, int Limit, string? Cursor, string? Q = null, string? Bbox = null) : IQuery<Page<PartnerClaim>>, IPartnerClaimFilter, IPagedQuery;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            this.AddFilterRules();
            this.PagedBy(c => PartnerCursor.TryDecode(c, out _));
        }
    }

    internal sealed class Handler(PartnerClaimReader claims) : IQueryHandler<Query, Page<PartnerClaim>>
    {
        public async ValueTask<Page<PartnerClaim>> Handle(Query query, CancellationToken cancellationToken) =>
            await claims.PageAsync(query, query.Partner.SharingLevel, query.Limit, query.Cursor, cancellationToken);
    }
}
