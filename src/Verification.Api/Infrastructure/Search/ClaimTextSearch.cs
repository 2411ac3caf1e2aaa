using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Verification.Persistence;
using Verification.Persistence.Search;

namespace Verification.Api.Infrastructure.Search;

/// <summary>Who searches: staff match every part of a claim's search text, partners only what the partner shapes show.</summary>
public enum SearchScope
{
    Staff,

    /// <summary>
    /// A partner sees a decided claim's title, summary, place and admin names, perpetrators and source descriptions (and
    /// the verdict), never an evidence item's title, description or testimony, nor anything about a witness. So a
    /// partner's words are matched against those parts only: a claim must never be found by text the partner cannot
    /// read in the answer, or a partner could probe the evidence and testimonies word by word.
    /// </summary>
    Partner,
}

/// <summary>
/// Full-text matching and ranking over <see cref="ClaimSearchDocument"/>. Matching uses each provider's index (FTS5,
/// tsvector + GIN, SQL Server full text); every word of the query must occur (in any part), as a whole word or, for a
/// word written with a trailing <c>*</c>, as a prefix.
/// <para>
/// Ranking is a score computed from the claim's own text only: for each word, the weight of each part it occurs in
/// (title 16, names 8, summary 4, sources 2, evidence 1). Not bm25 or CONTAINSTABLE's RANK: those depend on the whole
/// corpus, so any other claim written between two pages would move the page boundary and a client paging by relevance
/// would see a claim twice or never. With a score that changes only when the claim itself changes, the keyset
/// (score, number) pages without duplicates, exactly as the newest-first keyset does.
/// </para>
/// </summary>
public static class ClaimTextSearch
{
    public const int TitleWeight = 16, NamesWeight = 8, SummaryWeight = 4, SourcesWeight = 2, EvidenceWeight = 1;

    /// <summary>The numbers of the claims whose search text holds every term (a subquery, composed into the caller's query).</summary>
    public static IQueryable<long> Matching(VerificationDb db, IReadOnlyList<SearchTerm> terms, SearchScope scope)
    {
        if (terms.Count == 0)
            throw new ArgumentException("A search needs at least one word.", nameof(terms));
        return db.Provider switch
        {
            DatabaseProvider.Sqlite => db.Database.SqlQuery<long>(
                $"""SELECT rowid AS "Value" FROM "ClaimSearchFts" WHERE "ClaimSearchFts" MATCH {Fts5Query(terms, scope)}"""),
            DatabaseProvider.PostgreSql => db.Database.SqlQuery<long>(
                $"""SELECT "Number" AS "Value" FROM "ClaimSearch" WHERE "Document" @@ to_tsquery('public.verification_search', {TsQuery(terms, scope)})"""),
            DatabaseProvider.SqlServer => db.Database.SqlQuery<long>(SqlServerQuery(terms, scope)),
            _ => throw new NotSupportedException(),
        };
    }

    /// <summary>
    /// FTS5: each word quoted (a folded word holds only letters, digits and marks, never a quote), implicitly ANDed; a
    /// partner's search is confined to the shared columns by a column filter.
    /// </summary>
    internal static string Fts5Query(IReadOnlyList<SearchTerm> terms, SearchScope scope)
    {
        var words = string.Join(' ', terms.Select(t => $"\"{t.Word}\"" + (t.Prefix ? "*" : string.Empty)));
        return scope == SearchScope.Staff ? words : $"{{Title Names Summary Sources}} : ({words})";
    }

    /// <summary>
    /// PostgreSQL: the document's weights are A title, B names, C summary and sources, D evidence; a partner's words are
    /// restricted to A, B and C (<c>'word':ABC</c>), which leaves the evidence out.
    /// </summary>
    internal static string TsQuery(IReadOnlyList<SearchTerm> terms, SearchScope scope)
    {
        var weights = scope == SearchScope.Staff ? string.Empty : "ABC";
        return string.Join(" & ", terms.Select(t => t.Prefix || weights.Length > 0
            ? $"'{t.Word}':{(t.Prefix ? "*" : string.Empty)}{weights}"
            : $"'{t.Word}'"));
    }

    /// <summary>
    /// SQL Server: one CONTAINS per word, ANDed in SQL (a single CONTAINS over several columns would want every word in
    /// the same column). Each word is a parameter.
    /// </summary>
    private static FormattableString SqlServerQuery(IReadOnlyList<SearchTerm> terms, SearchScope scope)
    {
        var columns = scope == SearchScope.Staff ? "[Title], [Names], [Summary], [Sources], [Evidence]" : "[Title], [Names], [Summary], [Sources]";
        var conditions = terms.Select((_, i) => $"CONTAINS(({columns}), {{{i}}})");
        return FormattableStringFactory.Create(
            $"SELECT [Number] AS [Value] FROM [ClaimSearch] WHERE {string.Join(" AND ", conditions)}",
            [.. terms.Select(t => (object)(t.Prefix ? $"\"{t.Word}*\"" : $"\"{t.Word}\""))]);
    }

    /// <summary>
    /// The score of a claim's search text for the terms (see the class summary), as an expression EF Core translates on
    /// every provider (instr, strpos, CHARINDEX over the folded text). Each term is a parameter.
    /// </summary>
    public static Expression<Func<ClaimSearchDocument, int>> Score(IReadOnlyList<SearchTerm> terms, SearchScope scope)
    {
        var document = Expression.Parameter(typeof(ClaimSearchDocument), "s");
        var parts = new List<(string Column, int Weight)>
        {
            (nameof(ClaimSearchDocument.Title), TitleWeight),
            (nameof(ClaimSearchDocument.Names), NamesWeight),
            (nameof(ClaimSearchDocument.Summary), SummaryWeight),
            (nameof(ClaimSearchDocument.Sources), SourcesWeight),
        };
        if (scope == SearchScope.Staff)
            parts.Add((nameof(ClaimSearchDocument.Evidence), EvidenceWeight));
        var concat = typeof(string).GetMethod(nameof(string.Concat), [typeof(string), typeof(string), typeof(string)])!;
        var contains = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!;
        Expression score = Expression.Constant(0);
        foreach (var term in terms)
        {
            // " word " inside " text ": a whole word; " word" for a prefix.
            var pattern = Parameter(" " + term.Word + (term.Prefix ? string.Empty : " "));
            foreach (var (column, weight) in parts)
            {
                var padded = Expression.Call(concat, Expression.Constant(" "), Expression.Property(document, column), Expression.Constant(" "));
                score = Expression.Add(score, Expression.Condition(Expression.Call(padded, contains, pattern), Expression.Constant(weight), Expression.Constant(0)));
            }
        }
        return Expression.Lambda<Func<ClaimSearchDocument, int>>(score, document);
    }

    /// <summary>
    /// The perpetrator filter's pattern, for <c>Perpetrators.Contains(pattern)</c>: the folded name's words, in order,
    /// inside one perpetrator's name ("wagner" finds "Wagner Group"; "group wagner" does not).
    /// </summary>
    public static string PerpetratorPattern(string name) => " " + SearchText.Fold(name) + " ";

    /// <summary>Each document's claim and score, to join with the claims (see <see cref="Score"/>).</summary>
    public static Expression<Func<ClaimSearchDocument, RankedClaim>> Ranked(IReadOnlyList<SearchTerm> terms, SearchScope scope)
    {
        var score = Score(terms, scope);
        var document = score.Parameters[0];
        return Expression.Lambda<Func<ClaimSearchDocument, RankedClaim>>(
            Expression.MemberInit(Expression.New(typeof(RankedClaim)),
                Expression.Bind(typeof(RankedClaim).GetProperty(nameof(RankedClaim.ClaimId))!, Expression.Property(document, nameof(ClaimSearchDocument.ClaimId))),
                Expression.Bind(typeof(RankedClaim).GetProperty(nameof(RankedClaim.Score))!, score.Body)),
            document);
    }

    /// <summary>A value EF Core sends as a parameter (a closure's member), not as a literal in the SQL text.</summary>
    private static MemberExpression Parameter(string value) =>
        Expression.Property(Expression.Constant(new Box(value)), nameof(Box.Value));

    private sealed class Box(string value)
    {
        public string Value { get; } = value;
    }
}

/// <summary>A claim's id and its search score.</summary>
public sealed class RankedClaim
{
    public Guid ClaimId { get; init; }
    public int Score { get; init; }
}
