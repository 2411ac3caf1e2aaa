using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Claims;
using Verification.Persistence;

namespace Verification.Api.Features.Claims;

public static class ListClaims
{
    public sealed record Query(
        ClaimStage? Status,
        string? CountryCode,
        ViolationType? ViolationType,
        DateOnly? From,
        DateOnly? To,
        string? Q,
        Guid? ImportId,
        int Limit,
        string? Cursor,
        string? Reviewer = null,
        string? Bbox = null) : IQuery<Page<ClaimResponse>>, IPagedQuery;

    /// <summary><c>reviewer=me</c> names the caller.</summary>
    public const string Me = "me";

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            this.PagedBy(c => Paging.TryDecodeNumber(c, out _));
            RuleFor(q => q.CountryCode).Length(2).When(q => q.CountryCode is not null);
            RuleFor(q => q.Q).MaximumLength(200);
            RuleFor(q => q.Reviewer).Must(r => r == Me || Guid.TryParse(r, out _)).When(q => q.Reviewer is not null)
                .WithMessage("reviewer is 'me' or a user id.");
            RuleFor(q => q.Bbox).Must(b => BoundingBox.TryParse(b, out _)).When(q => q.Bbox is not null).WithMessage(BoundingBox.Rule);
            RuleFor(q => q.To).GreaterThanOrEqualTo(q => q.From).When(q => q.From is not null && q.To is not null)
                .WithMessage("'to' must not be before 'from'.");
        }
    }

    internal sealed class Handler(VerificationDb db, ICurrentUser user) : IQueryHandler<Query, Page<ClaimResponse>>
    {
        public async ValueTask<Page<ClaimResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            var rows = await PageOf(db, user, query)
                .Select(ClaimProjection.ToResponse)
                .ToListAsync(cancellationToken);
            if (rows.Count <= query.Limit)
                return new Page<ClaimResponse>(rows, null);
            var items = rows.GetRange(0, query.Limit);
            Claim.TryParseReference(items[^1].Reference, out var last);
            return new Page<ClaimResponse>(items, Paging.Encode(last.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        /// <summary>
        /// The page's claims, filtered on the indexed columns, in order and cut to one more than the page: shared by
        /// this query (assembled answers, for the console) and <see cref="ListClaimDocuments"/> (stored documents, for HTTP).
        /// </summary>
        internal static IQueryable<Claim> PageOf(VerificationDb db, ICurrentUser user, Query query)
        {
            var claims = Filter(db.Claims.AsNoTracking().VisibleTo(user), query, user.Id);
            if (Paging.TryDecodeNumber(query.Cursor, out var after))
                claims = claims.Where(c => c.Number < after);

            // Newest first, by the claim number: unique and increasing, so a page boundary is never ambiguous and
            // claims submitted while a client pages through land before its first page, never twice in it.
            // One more than a page tells whether another page follows. A plain local, not an expression: EF Core would
            // have to evaluate `query.Limit + 1` afresh on every request to turn it into a parameter.
            var take = query.Limit + 1;
            return claims.OrderByDescending(c => c.Number)
                .Take(take);
        }

        /// <summary>The list's filters (not its paging): the staff export applies the same ones.</summary>
        internal static IQueryable<Claim> Filter(IQueryable<Claim> claims, Query query, Guid me)
        {
            if (query.Status is { } status)
                claims = claims.Where(c => c.Stage == status);
            if (query.CountryCode is { } country)
            {
                var code = country.ToUpperInvariant();
                claims = claims.Where(c => c.Location.CountryCode == code);
            }
            if (query.ViolationType is { } type)
            {
                var flag = Claim.Flag(type);
                claims = claims.Where(c => (c.ViolationTypeFlags & flag) != 0);
            }
            // An incident is in [from, to] when its own date range overlaps it.
            if (query.From is { } from)
                claims = claims.Where(c => c.Incident.EndDate >= from);
            if (query.To is { } to)
                claims = claims.Where(c => c.Incident.StartDate <= to);
            if (query.ImportId is { } importId)
                claims = claims.Where(c => c.ImportId == importId);
            if (query.Reviewer is { } reviewerText)
            {
                var reviewer = reviewerText == Me ? me : Guid.Parse(reviewerText);
                claims = claims.Where(c => c.ReviewerId == reviewer);
            }
            if (BoundingBox.TryParse(query.Bbox, out var box))
            {
                // A claim without coordinates is in no box.
                claims = claims.Where(c => c.Location.Longitude >= box.MinLongitude && c.Location.Longitude <= box.MaxLongitude
                    && c.Location.Latitude >= box.MinLatitude && c.Location.Latitude <= box.MaxLatitude);
            }
            if (!string.IsNullOrWhiteSpace(query.Q))
            {
                var text = query.Q.Trim();
                if (Claim.TryParseReference(text, out var number))
                {
                    claims = claims.Where(c => c.Number == number);
                }
                else
                {
                    var lowered = text.ToLowerInvariant();
                    claims = claims.Where(c => c.Title.ToLower().Contains(lowered) || c.Summary.ToLower().Contains(lowered)
                        || c.Location.PlaceName.ToLower().Contains(lowered));
                }
            }
            return claims;
        }
    }
}
