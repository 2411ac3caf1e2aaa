using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Features.Search;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Search;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Claims;
using Verification.Persistence;
using Verification.Persistence.Search;

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
        string? Bbox = null,
        string? Perpetrator = null,
        string? Sort = null) : IQuery<Page<ClaimResponse>>, IPagedQuery
    {
        public bool ByRelevance => string.Equals(Sort, Relevance, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary><c>sort=newest</c> (the default: by claim number, newest first) or <c>sort=relevance</c> (needs <c>q</c>).</summary>
    public const string Newest = "newest", Relevance = "relevance";

    /// <summary><c>reviewer=me</c> names the caller.</summary>
    public const string Me = "me";

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            this.PagedBy(c => Paging.TryDecodeNumber(c, out _) || RelevanceCursor.TryDecode(c, out _));
            RuleFor(q => q.CountryCode).Length(2).When(q => q.CountryCode is not null);
            RuleFor(q => q.Q).MaximumLength(200);
            RuleFor(q => q.Q).Must(q => SearchText.Terms(q).Count <= SearchText.MaxTerms)
                .WithMessage($"q has at most {SearchText.MaxTerms} words.");
            RuleFor(q => q.Perpetrator).MaximumLength(200)
                .Must(p => SearchText.Fold(p).Length > 0).When(q => q.Perpetrator is not null).WithMessage("perpetrator names a perpetrator: letters or digits.");
            RuleFor(q => q.Sort)
                .Must(sort => sort is null || string.Equals(sort, Newest, StringComparison.OrdinalIgnoreCase) || string.Equals(sort, Relevance, StringComparison.OrdinalIgnoreCase))
                .WithMessage("sort is newest or relevance.")
                .Must((q, _) => !q.ByRelevance || SearchText.Terms(q.Q).Count > 0)
                .WithMessage("sort=relevance ranks the matches of q: give q.");
            RuleFor(q => q.Cursor)
                .Must((q, cursor) => cursor is null || q.ByRelevance == RelevanceCursor.TryDecode(cursor, out _))
                .WithMessage("The cursor belongs to a list in another order.");
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
            return new Page<ClaimResponse>(items, await NextCursorAsync(db, query, last, cancellationToken));
        }

        /// <summary>
        /// The page's claims, filtered on the indexed columns, in order and cut to one more than the page: shared by
        /// this query (assembled answers, for the console) and <see cref="ListClaimDocuments"/> (stored documents, for HTTP).
        /// </summary>
        internal static IQueryable<Claim> PageOf(VerificationDb db, ICurrentUser user, Query query)
        {
            var claims = Filter(db, db.Claims.AsNoTracking().VisibleTo(user), query, user.Id);

            // One more than a page tells whether another page follows. A plain local, not an expression: EF Core would
            // have to evaluate `query.Limit + 1` afresh on every request to turn it into a parameter.
            var take = query.Limit + 1;
            if (RanksByRelevance(query, out var terms))
            {
                // Best score first, then newest: (score, number) is unique, so the keyset never splits a tie.
                // Scored only where the index matched: the score reads the text, which is not cheap over every row.
                var matching = ClaimTextSearch.Matching(db, terms, SearchScope.Staff);
                var scored = db.Set<ClaimSearchDocument>().Where(s => matching.Contains(s.Number)).Select(ClaimTextSearch.Ranked(terms, SearchScope.Staff));
                var ranked = claims.Join(scored,
                    c => c.Id, s => s.ClaimId, (c, s) => new { Claim = c, s.Score });
                if (RelevanceCursor.TryDecode(query.Cursor, out var position))
                    ranked = ranked.Where(r => r.Score < position.Score || (r.Score == position.Score && r.Claim.Number < position.Number));
                return ranked.OrderByDescending(r => r.Score).ThenByDescending(r => r.Claim.Number).Select(r => r.Claim).Take(take);
            }
            if (Paging.TryDecodeNumber(query.Cursor, out var after))
                claims = claims.Where(c => c.Number < after);
            // Newest first, by the claim number: unique and increasing, so a page boundary is never ambiguous and
            // claims submitted while a client pages through land before its first page, never twice in it.
            return claims.OrderByDescending(c => c.Number).Take(take);
        }

        /// <summary>The cursor of the page that follows the one ending at claim number <paramref name="last"/>, in the query's order.</summary>
        internal static async Task<string> NextCursorAsync(VerificationDb db, Query query, long last, CancellationToken cancellationToken)
        {
            if (!RanksByRelevance(query, out var terms))
                return Paging.Encode(last.ToString(System.Globalization.CultureInfo.InvariantCulture));
            // The score is the claim's own (see ClaimTextSearch), so it can be read back for the cursor.
            var score = await db.Set<ClaimSearchDocument>().AsNoTracking().Where(s => s.Number == last)
                .Select(ClaimTextSearch.Score(terms, SearchScope.Staff)).FirstAsync(cancellationToken);
            return RelevanceCursor.Encode(score, last);
        }

        /// <summary><c>sort=relevance</c> with words to rank by; a claim reference as <c>q</c> is a shortcut to that claim, whatever the sort.</summary>
        private static bool RanksByRelevance(Query query, out IReadOnlyList<SearchTerm> terms)
        {
            terms = SearchText.Terms(query.Q);
            return query.ByRelevance && terms.Count > 0 && !Claim.TryParseReference(query.Q!.Trim(), out _);
        }

        /// <summary>The list's filters (not its paging): the staff export applies the same ones.</summary>
        internal static IQueryable<Claim> Filter(VerificationDb db, IQueryable<Claim> claims, Query query, Guid me)
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
                claims = ClaimBoxSearch.Within(db, claims, box);
            if (query.Perpetrator is { } perpetrator)
            {
                var pattern = ClaimTextSearch.PerpetratorPattern(perpetrator);
                claims = claims.Where(c => db.Set<ClaimSearchDocument>().Any(s => s.ClaimId == c.Id && s.Perpetrators.Contains(pattern)));
            }
            var terms = SearchText.Terms(query.Q);
            if (!string.IsNullOrWhiteSpace(query.Q))
            {
                var text = query.Q.Trim();
                if (Claim.TryParseReference(text, out var number))
                {
                    // A claim's reference is a shortcut to that claim, whatever the sort.
                    claims = claims.Where(c => c.Number == number);
                }
                else
                {
                    // Full text (ClaimTextSearch): every word, accent- and case-insensitive, in any searched part.
                    var matching = ClaimTextSearch.Matching(db, terms, SearchScope.Staff);
                    claims = claims.Where(c => matching.Contains(c.Number));
                }
            }
            return claims;
        }
    }
}
