using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Http;
using Verification.Domain.Claims;
using Verification.Persistence;

namespace Verification.Api.Features.Search;

/// <summary>
/// The map filter (<c>bbox</c>) on the claims' coordinates. On SQLite an R*Tree (<c>ClaimBox</c>, migration
/// ClaimBoxIndex, kept by triggers on Claims) narrows the claims to those near the box first: the B-tree index on
/// (Latitude, Longitude) can only use a latitude range, and at a million claims it handed the list 25,000 rows to sort
/// by number for a page of 50. PostgreSQL and SQL Server answer from that B-tree within their target and take the
/// plain predicate. Either way the exact predicate on the claim's own columns decides: the R*Tree stores 32-bit floats
/// rounded outwards, so what it returns is a superset, never the answer itself. Edges are inside.
/// </summary>
public static class ClaimBoxSearch
{
    /// <summary>The claims whose coordinates lie in <paramref name="box"/>, edges included; a claim without coordinates is in no box.</summary>
    public static IQueryable<Claim> Within(VerificationDb db, IQueryable<Claim> claims, BoundingBox box)
    {
        claims = Near(db, claims, box, margin: 0);
        return claims.Where(c => c.Location.Longitude >= box.MinLongitude && c.Location.Longitude <= box.MaxLongitude
            && c.Location.Latitude >= box.MinLatitude && c.Location.Latitude <= box.MaxLatitude);
    }

    /// <summary>
    /// The claims whose coordinates may lie within <paramref name="margin"/> degrees of the box: a cheap superset from
    /// the R*Tree on SQLite (the caller still applies its exact test), the claims unchanged elsewhere. A Public partner's
    /// box is tested on coordinates rounded to a tenth, which lie up to 0.05° from the stored ones: its margin.
    /// </summary>
    public static IQueryable<Claim> Near(VerificationDb db, IQueryable<Claim> claims, BoundingBox box, double margin)
    {
        if (db.Provider != DatabaseProvider.Sqlite)
            return claims;
        double minLon = box.MinLongitude - margin, maxLon = box.MaxLongitude + margin, minLat = box.MinLatitude - margin, maxLat = box.MaxLatitude + margin;
        var numbers = db.Database.SqlQuery<long>(
            $"""SELECT "Number" AS "Value" FROM "ClaimBox" WHERE "MinLongitude" <= {maxLon} AND "MaxLongitude" >= {minLon} AND "MinLatitude" <= {maxLat} AND "MaxLatitude" >= {minLat}""");
        return claims.Where(c => numbers.Contains(c.Number));
    }
}
