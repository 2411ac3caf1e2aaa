using Microsoft.EntityFrameworkCore;
using Verification.Api.Features.Claims;
using Verification.Api.Features.Partners;
using Verification.Persistence;

namespace Verification.Benchmarks.Floor;

/// <summary>
/// The SQL that EF Core generates for the API's claim reads, taken from the API's own projection with
/// <c>ToQueryString()</c>. The floor host runs hand-written copies of it; this is how a run checks that the copies
/// still match what the API sends (after a change to the projection, the floor must follow).
/// </summary>
public static class EfSql
{
    public static string ReadOneClaim(DatabaseProvider provider)
    {
        using var db = Context(provider);
        var id = Guid.Empty;
        // The same query as GetClaim.Handler for a reviewer or coordinator (who see every claim).
        return Body(db.Claims.AsNoTracking().Where(c => c.Id == id).Select(ClaimProjection.ToResponse).Take(1).ToQueryString());
    }

    public static string ListFirstPage(DatabaseProvider provider)
    {
        using var db = Context(provider);
        var limit = 51;
        // The same query as ListClaims.Handler without filters or cursor: Take(limit + 1) newest first.
        return Body(db.Claims.AsNoTracking().OrderByDescending(c => c.Number).Take(limit).Select(ClaimProjection.ToResponse).ToQueryString());
    }

    public static string ListAfterCursor(DatabaseProvider provider)
    {
        using var db = Context(provider);
        var limit = 51;
        var after = 1L;
        return Body(db.Claims.AsNoTracking().Where(c => c.Number < after).OrderByDescending(c => c.Number).Take(limit)
            .Select(ClaimProjection.ToResponse).ToQueryString());
    }

    /// <summary>The first partner page (GET /api/v1/partner/claims?limit=50): ListPartnerClaims through PartnerClaimReader, no filters.</summary>
    public static string PartnerFirstPage(DatabaseProvider provider)
    {
        using var db = Context(provider);
        return Body(new PartnerClaimReader(db).PageSql(NoFilter.Instance, 50, cursor: null));
    }

    /// <summary>
    /// What the read routes send since the read side (docs/decisions/0014): the first list page and the first partner page
    /// as stored documents, the documents joined to the page's claims (the unfiltered pages run these as compiled queries).
    /// </summary>
    public static IEnumerable<(string Name, string Sql)> DocumentReads(DatabaseProvider provider)
    {
        using var db = Context(provider);
        var limit = 51;
        yield return ("list page of stored documents", Body(ListClaimDocuments.Handler.WithDocuments(
            db.Claims.AsNoTracking().OrderByDescending(c => c.Number).Take(limit), db).ToQueryString()));
        yield return ("partner page of stored documents (Restricted)", Body(new PartnerClaimReader(db).PageDocumentsSql(50)));
    }

    private sealed class NoFilter : IPartnerClaimFilter
    {
        public static readonly NoFilter Instance = new();
        public DateTimeOffset? UpdatedSince => null;
        public string? CountryCode => null;
        public Verification.Domain.Verdicts.VerdictRating? Rating => null;
        public Verification.Domain.Claims.ViolationType? ViolationType => null;
    }

    /// <summary>Compares two statements ignoring layout and parameter names (EF names them after the C# variables).</summary>
    public static bool SameStatement(string a, string b) => Normalise(a) == Normalise(b);

    public static string Normalise(string sql)
    {
        var text = System.Text.RegularExpressions.Regex.Replace(sql, @"@[A-Za-z_][A-Za-z0-9_]*", "@p");
        return System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ").Trim();
    }

    private static VerificationDb Context(DatabaseProvider provider)
    {
        var connection = provider == DatabaseProvider.Sqlite ? "Data Source=:memory:" : "Host=127.0.0.1;Database=unused";
        var options = new DbContextOptionsBuilder<VerificationDb>().UseVerificationDatabase(provider, connection).Options;
        return new VerificationDb(options);
    }

    /// <summary>ToQueryString puts parameter declarations first (".param set" for SQLite, "-- @x=" for Npgsql); drop them.</summary>
    private static string Body(string queryString) =>
        string.Join('\n', queryString.Split('\n').Where(l => !l.StartsWith(".param", StringComparison.Ordinal) && !l.StartsWith("-- ", StringComparison.Ordinal)))
            .Trim();
}
