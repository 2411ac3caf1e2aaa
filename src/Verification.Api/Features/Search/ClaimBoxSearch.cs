using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Http;
using Verification.Domain.Claims;
using Verification.Persistence;

namespace Verification.Api.Features.Search;

/// <summary>
/// The map filter (<c>bbox</c>) on the claims' coordinates; edges are inside, a claim without coordinates is in no box.
/// <para>
/// PostgreSQL and SQL Server answer it from the (Latitude, Longitude) B-tree within their target, with the plain test.
/// SQLite's planner used that B-tree too, as a latitude range, then sorted every match by number: at a million claims,
/// 17,000 rows sorted for a page of 50 around Goma, and half the table for a box over a continent. So SQLite has no
/// such B-tree any more (migration CoordinatesIndexWhereUsed: no query read it, and every claim written paid for it), and:
/// </para>
/// <list type="bullet">
/// <item>a box holding fewer than <see cref="WideAt"/> claims (counted from the R*Tree <c>ClaimBox</c>, migration
/// ClaimBoxIndex, kept by triggers on Claims; the count stops at the threshold) takes its claim numbers from the R*Tree:
/// SQLite walks that list in number order through IX_Claims_Number (or the Stage/… index) and stops at the page;</item>
/// <item>a wider box walks the list's own order (IX_Claims_Number) and tests the box on each row until the page is full:
/// with that many claims in the box the page fills quickly.</item>
/// </list>
/// Either way the exact test on the claim's own columns decides: the R*Tree stores 32-bit floats rounded outwards, so it
/// returns a superset, never the answer itself.
/// </summary>
public static class ClaimBoxSearch
{
    /// <summary>From this many claims in the box on, walking the list's order beats gathering the box's claims first.</summary>
    public const int DefaultWideAt = 20_000;

    /// <summary>
    /// <see cref="DefaultWideAt"/>; a test lowers it to check that the walk gives the same answers as the R*Tree (both
    /// ways answer alike, so other requests meanwhile are unaffected).
    /// </summary>
    internal static int WideAt { get; set; } = DefaultWideAt;

    /// <summary>The claims whose coordinates lie in <paramref name="box"/>, edges included.</summary>
    public static IQueryable<Claim> Within(VerificationDb db, IQueryable<Claim> claims, BoundingBox box)
    {
        if (db.Provider == DatabaseProvider.Sqlite && IsNarrow(db, box, margin: 0))
            claims = InIndex(db, claims, box, margin: 0);
        return claims.Where(c => c.Location.Longitude >= box.MinLongitude && c.Location.Longitude <= box.MaxLongitude
            && c.Location.Latitude >= box.MinLatitude && c.Location.Latitude <= box.MaxLatitude);
    }

    /// <summary>
    /// A cheap superset of the claims within <paramref name="margin"/> degrees of the box, for a caller that applies its
    /// own exact test: the R*Tree's numbers on SQLite when the box is narrow, the claims unchanged otherwise. A Public
    /// partner's box is tested on coordinates rounded to a tenth, which lie up to 0.05° from the stored ones: its margin.
    /// </summary>
    public static IQueryable<Claim> Near(VerificationDb db, IQueryable<Claim> claims, BoundingBox box, double margin) =>
        db.Provider == DatabaseProvider.Sqlite && IsNarrow(db, box, margin) ? InIndex(db, claims, box, margin) : claims;

    private static IQueryable<Claim> InIndex(VerificationDb db, IQueryable<Claim> claims, BoundingBox box, double margin)
    {
        var numbers = Candidates(db, box, margin);
        return claims.Where(c => numbers.Contains(c.Number));
    }

    /// <summary>
    /// Whether the R*Tree holds fewer than <see cref="WideAt"/> entries in the box: a count that stops at the threshold
    /// (a few milliseconds at most). Synchronous because the list's filters compose a query and run nothing; this runs
    /// only on SQLite, whose ADO.NET provider completes its "asynchronous" calls synchronously anyway.
    /// </summary>
    private static bool IsNarrow(VerificationDb db, BoundingBox box, double margin) =>
        Candidates(db, box, margin).Take(WideAt).Count() < WideAt;

    private static IQueryable<long> Candidates(VerificationDb db, BoundingBox box, double margin)
    {
        double minLon = box.MinLongitude - margin, maxLon = box.MaxLongitude + margin, minLat = box.MinLatitude - margin, maxLat = box.MaxLatitude + margin;
        return db.Database.SqlQuery<long>(
            $"""SELECT "Number" AS "Value" FROM "ClaimBox" WHERE "MinLongitude" <= {maxLon} AND "MaxLongitude" >= {minLon} AND "MinLatitude" <= {maxLat} AND "MaxLatitude" >= {minLat}""");
    }
}
