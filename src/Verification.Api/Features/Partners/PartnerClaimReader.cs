using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Features.ReadModel;
using Verification.Api.Features.Search;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Persistence;
using Verification.Api.Infrastructure.Search;
using Verification.Domain.Audit;
using Verification.Domain.Claims;
using Verification.Domain.Evidence;
using Verification.Domain.Partners;
using Verification.Domain.Verdicts;
using Verification.Persistence;
using Verification.Persistence.Search;

namespace Verification.Api.Features.Partners;

/// <summary>
/// The one way partner-facing code reads claims: decided claims only, in the partner order (last updated, then number),
/// shaped for the caller's sharing level. Lists, single reads, exports and webhook bodies all come through here, so the
/// redaction rules live in one place.
/// </summary>
/// <remarks>
/// <paramref name="prepared"/>, when the host has it: the unfiltered pages and the one-claim read run EF Core's own SQL
/// for their compiled queries as prepared statements (<see cref="PreparedQuery"/>), as reading one staff claim does.
/// </remarks>
public sealed class PartnerClaimReader(VerificationDb db, DbContextOptions<VerificationDb>? decisionOptions = null, PreparedQueries? prepared = null)
{
    public async Task<Page<PartnerClaim>> PageAsync(IPartnerClaimFilter filter, SharingLevel level, int limit, string? cursor, CancellationToken ct)
    {
        var rows = await PageQuery(filter, level, limit, cursor).ToListAsync(ct);
        var decisions = await DecisionsAsync(rows.Take(limit), ct);
        var items = rows.Take(limit).Select(r => Shape(r, level, decisions)).ToList();
        var next = rows.Count > limit ? PartnerCursor.Encode(rows[limit - 1].UpdatedAt, rows[limit - 1].Number) : null;
        return new Page<PartnerClaim>(items, next);
    }

    /// <summary>The SQL of <see cref="PageAsync"/>: the benchmark's floor host runs a copy of it and checks that the copy still matches.</summary>
    internal string PageSql(IPartnerClaimFilter filter, int limit, string? cursor) => PageQuery(filter, SharingLevel.Restricted, limit, cursor).ToQueryString();

    /// <summary>One more row than the page holds: its presence says there is a next page.</summary>
    private IQueryable<Row> PageQuery(IPartnerClaimFilter filter, SharingLevel level, int limit, string? cursor) => Project(PageDecisions(filter, level, limit, cursor));

    /// <summary>
    /// The page's decided claims, filtered, in order and cut: what <see cref="PageQuery"/> and the stored documents' page share.
    /// The cursor's condition, (updatedAt, number) after the cursor's, is written with <c>UpdatedAt &gt;= cursor</c> on its
    /// own: the index on (Stage, UpdatedAt, Number) can then start at the cursor. Written as one OR, neither database used
    /// it as a range, and PostgreSQL filtered every decided claim before the cursor on each page (99,966 rows and 123 ms
    /// for the last page of 100,000 claims; docs/performance-changes.md, seventh round). <see cref="CompiledDocumentReads.PageAfter"/> is written the same way.
    /// </summary>
    private IQueryable<Decision> PageDecisions(IPartnerClaimFilter filter, SharingLevel level, int limit, string? cursor)
    {
        var decisions = Decided(filter, level);
        if (PartnerCursor.TryDecode(cursor, out var after))
            decisions = decisions.Where(d => d.Claim.UpdatedAt >= after.UpdatedAt && (d.Claim.UpdatedAt > after.UpdatedAt || d.Claim.Number > after.Number));
        return InPartnerOrder(decisions).Take(limit + 1);
    }

    /// <summary>
    /// The page as stored documents (<see cref="ClaimDocument"/>): the same filter, order and cut as <see cref="PageAsync"/>,
    /// materialized as the bytes of each claim's document for the sharing level (null where a document is missing), the
    /// documents joined on their primary key in the same statement. A page without filters (what a partner syncing from
    /// the start asks for) runs a compiled query: no expression to build or look up per request.
    /// </summary>
    public async Task<DocumentPage> PageDocumentsAsync(IPartnerClaimFilter filter, SharingLevel level, int limit, string? cursor, CancellationToken ct)
    {
        List<DocumentRow> rows;
        if (Unfiltered(filter))
        {
            // The compiled queries' own SQL run prepared where the host runs prepared reads, the compiled queries otherwise.
            if (prepared is { Enabled: true })
            {
                var (statement, arguments) = PreparedPage(level, limit, cursor);
                rows = await statement.ReadAsync(ReadRowsAsync, ct, arguments);
            }
            else
            {
                var restricted = level != SharingLevel.Public;
                var take = limit + 1;
                var hasCursor = PartnerCursor.TryDecode(cursor, out var after);
                var reads = CompiledDocumentReads.For(db.Model);
                var page = hasCursor
                    ? (restricted ? reads.RestrictedAfter : reads.PublicAfter)(db, after.UpdatedAt, after.Number, take)
                    : (restricted ? reads.RestrictedFirst : reads.PublicFirst)(db, take);
                rows = new List<DocumentRow>(take);
                await foreach (var row in page.WithCancellation(ct))
                    rows.Add(row);
            }
        }
        else
        {
            rows = await Documents(PageDecisions(filter, level, limit, cursor), level, known: -1).ToListAsync(ct);
        }
        var next = rows.Count > limit ? PartnerCursor.Encode(rows[limit - 1].UpdatedAt, rows[limit - 1].Number) : null;
        if (rows.Count > limit)
            rows.RemoveRange(limit, rows.Count - limit);
        return new DocumentPage(rows, next);
    }

    /// <summary>
    /// <see cref="PageDocumentsAsync"/> read into the page's body: each current document copied into
    /// <paramref name="body"/>, each other claim a pending place for its id (<see cref="StoredPageBody.AddPending"/>);
    /// answers the next cursor. A page without filters on a host with prepared reads is read from the statement's rows
    /// as they come (<see cref="StoredPageRows"/>: on SQLite through SQLitePCL, without an array per document); the
    /// others go through <see cref="PageDocumentsAsync"/>.
    /// </summary>
    public async Task<string?> PageBodyAsync(IPartnerClaimFilter filter, SharingLevel level, int limit, string? cursor, StoredPageBody body, CancellationToken ct)
    {
        if (Unfiltered(filter) && prepared is { Enabled: true })
        {
            var (statement, arguments) = PreparedPage(level, limit, cursor);
            var (more, last) = statement.ReadsSqliteRows
                ? await statement.ReadSqlite(rows => StoredPageRows.Read(rows, PageColumns, limit, body, static r => (r.Utc(2), r.Int64(1))), ct, arguments)
                : await statement.ReadAsync((reader, t) => StoredPageRows.ReadAsync(reader, PageColumns, limit, body, static r => (r.Utc(2), r.GetInt64(1)), t), ct, arguments);
            return more ? PartnerCursor.Encode(last.Item1, last.Item2) : null;
        }
        var page = await PageDocumentsAsync(filter, level, limit, cursor, ct);
        foreach (var row in page.Rows)
        {
            if (row.Current)
                body.Add(row.Document);
            else
                body.AddPending(row.Id);
        }
        return page.NextCursor;
    }

    /// <summary>The columns of <see cref="DocumentRow"/> as the page statements select them (<see cref="ReadRowsAsync"/>).</summary>
    private static readonly StoredPageRows.Columns PageColumns = new(Id: 0, Version: 3, DocumentVersion: 4, Document: 5);

    /// <summary>
    /// The stored document of one claim for the sharing level if the claim is decided now, otherwise null. When the claim is
    /// at <paramref name="known"/> (the version the caller's If-None-Match names; -1 for none) no bytes are selected.
    /// </summary>
    public async Task<DocumentRow?> FindDocumentAsync(Guid claimId, SharingLevel level, long known, CancellationToken ct)
    {
        if (prepared is { Enabled: true })
        {
            var rows = await Prepared(level == SharingLevel.Public ? PublicOneName : RestrictedOneName).ReadAsync(ReadRowsAsync, ct, claimId, known);
            return rows.Count == 0 ? null : rows[0];
        }
        return level == SharingLevel.Public
            ? await CompiledDocumentReads.For(db.Model).PublicOne(db, claimId, known)
            : await CompiledDocumentReads.For(db.Model).RestrictedOne(db, claimId, known);
    }

    private const string RestrictedFirstName = "PartnerClaimReader.RestrictedFirst";
    private const string PublicFirstName = "PartnerClaimReader.PublicFirst";
    private const string RestrictedAfterName = "PartnerClaimReader.RestrictedAfter";
    private const string PublicAfterName = "PartnerClaimReader.PublicAfter";
    private const string RestrictedOneName = "PartnerClaimReader.RestrictedOne";
    private const string PublicOneName = "PartnerClaimReader.PublicOne";

    /// <summary>Every statement <see cref="Prepare"/> builds (for tests).</summary>
    internal static readonly string[] PreparedNames = [RestrictedFirstName, PublicFirstName, RestrictedAfterName, PublicAfterName, RestrictedOneName, PublicOneName];

    private PreparedQuery Prepared(string name) => prepared!.Get(name, (db, name), static s => Prepare(s.db, s.name, Sentinel.Take));

    /// <summary>The prepared page statement for the level and the cursor (first page or after it), with its arguments.</summary>
    private (PreparedQuery Statement, object[] Arguments) PreparedPage(SharingLevel level, int limit, string? cursor)
    {
        var restricted = level != SharingLevel.Public;
        var take = limit + 1;
        return PartnerCursor.TryDecode(cursor, out var after)
            ? (PreparedPage(restricted ? RestrictedAfterName : PublicAfterName, take), [after.UpdatedAt, after.Number, take])
            : (PreparedPage(restricted ? RestrictedFirstName : PublicFirstName, take), [take]);
    }

    /// <summary>A page's statement, with its row count written in where the host does so (<see cref="PreparedQueries.GetWithLimit{TState}"/>).</summary>
    private PreparedQuery PreparedPage(string name, int take) => prepared!.GetWithLimit(name, take, (db, name), static (s, t) => Prepare(s.db, s.name, t));

    /// <summary>
    /// The prepared form of one of <see cref="CompiledDocumentReads"/>' queries, from the same expression; a page's row
    /// count is <paramref name="take"/> (<see cref="Sentinel.Take"/> for a parameter, or a <see cref="PreparedQuery.Literal"/>).
    /// </summary>
    internal static PreparedQuery Prepare(VerificationDb db, string name, object take) => name switch
    {
        RestrictedFirstName => PreparedQuery.ForCompiled(db, CompiledDocumentReads.FirstPage, take),
        PublicFirstName => PreparedQuery.ForCompiled(db, CompiledDocumentReads.PublicFirstPage, take),
        RestrictedAfterName => PreparedQuery.ForCompiled(db, CompiledDocumentReads.PageAfter, Sentinel.UpdatedAt, Sentinel.Number, take),
        PublicAfterName => PreparedQuery.ForCompiled(db, CompiledDocumentReads.PublicPageAfter, Sentinel.UpdatedAt, Sentinel.Number, take),
        RestrictedOneName => PreparedQuery.ForCompiled(db, CompiledDocumentReads.OneClaim, Sentinel.Id, Sentinel.Known),
        PublicOneName => PreparedQuery.ForCompiled(db, CompiledDocumentReads.PublicOneClaim, Sentinel.Id, Sentinel.Known),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a prepared partner read."),
    };

    /// <summary>The statement's columns in the order of <see cref="DocumentRow"/>'s constructor, as EF Core selects them.</summary>
    internal static async Task<List<DocumentRow>> ReadRowsAsync(System.Data.Common.DbDataReader reader, CancellationToken ct)
    {
        var rows = new List<DocumentRow>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new DocumentRow(reader.GetGuid(0), reader.GetInt64(1), reader.Utc(2), reader.GetInt64(3), reader.Int64OrNull(4), reader.BytesOrNull(5)));
        }
        return rows;
    }

    /// <summary>The SQL of the stored documents' first page without filters (the compiled query's), for the benchmark's <c>sql</c> listing.</summary>
    internal string PageDocumentsSql(int limit) => CompiledDocumentReads.FirstPage.Compile()(db, limit + 1).ToQueryString();

    private static bool Unfiltered(IPartnerClaimFilter filter) =>
        filter.UpdatedSince is null && filter.CountryCode is null && filter.ViolationType is null && filter.Rating is null
        && string.IsNullOrWhiteSpace(filter.Q) && filter.Bbox is null;

    private IQueryable<DocumentRow> Documents(IQueryable<Decision> decisions, SharingLevel level, long known) =>
        level == SharingLevel.Public
            ? from d in decisions
              join x in db.ClaimDocuments.AsNoTracking() on d.Claim.Id equals x.ClaimId into documents
              from x in documents.DefaultIfEmpty()
              select new DocumentRow(d.Claim.Id, d.Claim.Number, d.Claim.UpdatedAt, d.Claim.Version,
                  x == null ? null : x.Version, x == null || d.Claim.Version == known ? null : x.PartnerPublic)
            : from d in decisions
              join x in db.ClaimDocuments.AsNoTracking() on d.Claim.Id equals x.ClaimId into documents
              from x in documents.DefaultIfEmpty()
              select new DocumentRow(d.Claim.Id, d.Claim.Number, d.Claim.UpdatedAt, d.Claim.Version,
                  x == null ? null : x.Version, x == null || d.Claim.Version == known ? null : x.PartnerRestricted);

    /// <summary>
    /// The stored-document reads without filters, compiled once per model: the same rows as <see cref="Documents"/>
    /// over <see cref="PageDecisions"/> (decided claims in the partner order, the documents left-joined on their primary
    /// key), the pages with the join before the cut (see <see cref="FirstPage"/>). Unlike <see cref="WithVerdict"/> they do
    /// not join the verdict: the document already holds it, and a decided claim always has one (the domain moves a claim to
    /// Decided only by confirming a proposal, which sets VerdictProposalId, and clears it when it leaves Decided), so the
    /// join only cost PostgreSQL an index lookup per row of every page. A compiled query cannot call a method that builds
    /// part of it, so each shape (first page, page after a cursor, one claim) is written once, over the Restricted
    /// document, and its Public twin is the same expression with that one column swapped (<see cref="ForLevel{T}"/>),
    /// as <see cref="Documents"/> differs between the levels in that column only.
    /// </summary>
    private sealed class CompiledDocumentReads
    {
        private static readonly ConditionalWeakTable<Microsoft.EntityFrameworkCore.Metadata.IModel, CompiledDocumentReads> ByModel = new();

        public static CompiledDocumentReads For(Microsoft.EntityFrameworkCore.Metadata.IModel model) => ByModel.GetValue(model, static _ => new CompiledDocumentReads());

        /// <remarks>
        /// The pages join the documents before the cut (<c>LIMIT</c> on the joined rows), not after it as <see cref="Documents"/>
        /// does: a claim has at most one document (its primary key), so the rows, their order and the cut are the same. Cut
        /// first, SQLite ran the page as a subquery (a co-routine) and sorted its rows again, documents included, in a
        /// temporary B-tree for the outer <c>ORDER BY</c>; joined first, it walks the (Stage, UpdatedAt, Number) index in
        /// order and stops at the limit, with no sort: 172 → 141 µs per execution of the first page on the benchmark's 5,000
        /// claims (docs/performance-changes.md, ninth round).
        /// </remarks>
        internal static readonly Expression<Func<VerificationDb, int, IQueryable<DocumentRow>>> FirstPage = (VerificationDb db, int take) =>
            (from c in db.Claims.AsNoTracking().Where(c => c.Stage == ClaimStage.Decided)
             join x in db.ClaimDocuments.AsNoTracking() on c.Id equals x.ClaimId into documents
             from x in documents.DefaultIfEmpty()
             orderby c.UpdatedAt, c.Number
             select new DocumentRow(c.Id, c.Number, c.UpdatedAt, c.Version, x == null ? null : x.Version, x == null ? null : x.PartnerRestricted))
            .Take(take);

        internal static readonly Expression<Func<VerificationDb, DateTime, long, int, IQueryable<DocumentRow>>> PageAfter =
            (VerificationDb db, DateTime updatedAt, long number, int take) =>
                (from c in db.Claims.AsNoTracking().Where(c => c.Stage == ClaimStage.Decided)
                    .Where(c => c.UpdatedAt >= updatedAt && (c.UpdatedAt > updatedAt || c.Number > number))
                 join x in db.ClaimDocuments.AsNoTracking() on c.Id equals x.ClaimId into documents
                 from x in documents.DefaultIfEmpty()
                 orderby c.UpdatedAt, c.Number
                 select new DocumentRow(c.Id, c.Number, c.UpdatedAt, c.Version, x == null ? null : x.Version, x == null ? null : x.PartnerRestricted))
                .Take(take);

        internal static readonly Expression<Func<VerificationDb, Guid, long, DocumentRow?>> OneClaim = (VerificationDb db, Guid id, long known) =>
            (from c in db.Claims.AsNoTracking().Where(c => c.Stage == ClaimStage.Decided && c.Id == id)
             join x in db.ClaimDocuments.AsNoTracking() on c.Id equals x.ClaimId into documents
             from x in documents.DefaultIfEmpty()
             select new DocumentRow(c.Id, c.Number, c.UpdatedAt, c.Version,
                 x == null ? null : x.Version, x == null || c.Version == known ? null : x.PartnerRestricted)).FirstOrDefault();

        internal static readonly Expression<Func<VerificationDb, int, IQueryable<DocumentRow>>> PublicFirstPage = ForLevel(FirstPage, SharingLevel.Public);
        internal static readonly Expression<Func<VerificationDb, DateTime, long, int, IQueryable<DocumentRow>>> PublicPageAfter = ForLevel(PageAfter, SharingLevel.Public);
        internal static readonly Expression<Func<VerificationDb, Guid, long, DocumentRow?>> PublicOneClaim = ForLevel(OneClaim, SharingLevel.Public);

        public readonly Func<VerificationDb, int, IAsyncEnumerable<DocumentRow>> RestrictedFirst = EF.CompileAsyncQuery(FirstPage);
        public readonly Func<VerificationDb, int, IAsyncEnumerable<DocumentRow>> PublicFirst = EF.CompileAsyncQuery(PublicFirstPage);
        public readonly Func<VerificationDb, DateTime, long, int, IAsyncEnumerable<DocumentRow>> RestrictedAfter = EF.CompileAsyncQuery(PageAfter);
        public readonly Func<VerificationDb, DateTime, long, int, IAsyncEnumerable<DocumentRow>> PublicAfter = EF.CompileAsyncQuery(PublicPageAfter);
        public readonly Func<VerificationDb, Guid, long, Task<DocumentRow?>> RestrictedOne = EF.CompileAsyncQuery(OneClaim);
        public readonly Func<VerificationDb, Guid, long, Task<DocumentRow?>> PublicOne = EF.CompileAsyncQuery(PublicOneClaim);

        /// <summary>The query over the document of <paramref name="level"/>: each read of <c>PartnerRestricted</c> becomes one of its column.</summary>
        internal static Expression<T> ForLevel<T>(Expression<T> restricted, SharingLevel level) =>
            level == SharingLevel.Public ? (Expression<T>)new SwapColumn().Visit(restricted) : restricted;

        private sealed class SwapColumn : ExpressionVisitor
        {
            private static readonly System.Reflection.PropertyInfo Restricted = typeof(ClaimDocument).GetProperty(nameof(ClaimDocument.PartnerRestricted))!;
            private static readonly System.Reflection.PropertyInfo Public = typeof(ClaimDocument).GetProperty(nameof(ClaimDocument.PartnerPublic))!;

            protected override Expression VisitMember(MemberExpression node) =>
                node.Member == Restricted ? Expression.Property(Visit(node.Expression), Public) : base.VisitMember(node);
        }
    }

    private sealed class NoFilter : IPartnerClaimFilter
    {
        public static readonly NoFilter Instance = new();
        public DateTimeOffset? UpdatedSince => null;
        public string? CountryCode => null;
        public VerdictRating? Rating => null;
        public ViolationType? ViolationType => null;
    }

    /// <summary>One claim of a page of stored documents; <see cref="Current"/> when its document describes the claim as it is.</summary>
    public sealed record DocumentRow(Guid Id, long Number, DateTime UpdatedAt, long Version, long? DocumentVersion, byte[]? Document)
    {
        public bool Current => Document is not null && DocumentVersion == Version;
    }

    public sealed record DocumentPage(List<DocumentRow> Rows, string? NextCursor);

    /// <summary>
    /// Both partner shapes of each decided claim among <paramref name="claimIds"/>, for the stored documents: one read of
    /// the rows and one of the decisions for the whole batch. A claim that is not decided is absent.
    /// </summary>
    public async Task<Dictionary<Guid, (PartnerClaim Public, PartnerClaim Restricted)>> ShapeBothAsync(IReadOnlyCollection<Guid> claimIds, CancellationToken ct)
    {
        var rows = await Project(WithVerdict(db.Claims.AsNoTracking().Where(c => claimIds.Contains(c.Id)))).ToListAsync(ct);
        var decisions = await DecisionsAsync(rows, ct);
        return rows.ToDictionary(r => r.Id, r => (Shape(r, SharingLevel.Public, decisions), Shape(r, SharingLevel.Restricted, decisions)));
    }

    /// <summary>The claim if it is decided now, otherwise null (a partner never learns that an undecided claim exists).</summary>
    public async Task<PartnerClaim?> FindAsync(Guid claimId, SharingLevel level, CancellationToken ct)
    {
        var row = await Project(WithVerdict(db.Claims.AsNoTracking().Where(c => c.Id == claimId))).FirstOrDefaultAsync(ct);
        return row is null ? null : Shape(row, level, await DecisionsAsync([row], ct));
    }

    /// <summary>Every matching claim, one database row at a time: nothing is collected in memory, whatever the count.</summary>
    public async IAsyncEnumerable<PartnerClaim> StreamAsync(IPartnerClaimFilter filter, SharingLevel level, [EnumeratorCancellation] CancellationToken ct)
    {
        var rows = Project(InPartnerOrder(Decided(filter, level))).AsAsyncEnumerable();
        // The decisions are looked up a batch of rows at a time, on a second context: this one is busy streaming.
        await using var lookup = new VerificationDb(decisionOptions ?? throw new InvalidOperationException("No options to look decisions up with."));
        var batch = new List<Row>(DecisionBatch);
        await foreach (var row in rows.WithCancellation(ct))
        {
            batch.Add(row);
            if (batch.Count < DecisionBatch)
                continue;
            foreach (var claim in await ShapeBatchAsync(lookup, batch, level, ct))
                yield return claim;
            batch.Clear();
        }
        foreach (var claim in await ShapeBatchAsync(lookup, batch, level, ct))
            yield return claim;
    }

    private const int DecisionBatch = 200;

    private static async Task<List<PartnerClaim>> ShapeBatchAsync(VerificationDb lookup, List<Row> batch, SharingLevel level, CancellationToken ct)
    {
        var decisions = await DecisionsAsync(lookup, batch, ct);
        return [.. batch.Select(r => Shape(r, level, decisions))];
    }

    private Task<Dictionary<Guid, long>> DecisionsAsync(IEnumerable<Row> rows, CancellationToken ct) => DecisionsAsync(db, rows, ct);

    /// <summary>
    /// The audit entry that confirmed each claim's current verdict: the newest ConfirmVerdict entry that covered the claim
    /// (its record state), looked up after the page is read so the page query itself stays as it is.
    /// </summary>
    private static async Task<Dictionary<Guid, long>> DecisionsAsync(VerificationDb db, IEnumerable<Row> rows, CancellationToken ct)
    {
        var ids = rows.Select(r => r.Id).ToList();
        if (ids.Count == 0)
            return [];
        return await db.AuditRecordStates.AsNoTracking()
            .Where(s => s.RecordType == AuditRecordState.Claim && ids.Contains(s.RecordId))
            .Join(db.AuditEntries.AsNoTracking().Where(a => a.Action == nameof(Verdicts.ConfirmVerdict)), s => s.Sequence, a => a.Sequence,
                (s, a) => new { s.RecordId, a.Sequence })
            .GroupBy(x => x.RecordId)
            .Select(g => new { Id = g.Key, Sequence = g.Max(x => x.Sequence) })
            .ToDictionaryAsync(x => x.Id, x => x.Sequence, ct);
    }

    private IQueryable<Decision> Decided(IPartnerClaimFilter filter, SharingLevel level)
    {
        var claims = db.Claims.AsNoTracking();
        if (filter.UpdatedSince is { } since)
        {
            var from = since.UtcDateTime;
            claims = claims.Where(c => c.UpdatedAt >= from);
        }
        if (filter.CountryCode is { } country)
        {
            var code = country.ToUpperInvariant();
            claims = claims.Where(c => c.Location.CountryCode == code);
        }
        if (filter.ViolationType is { } type)
        {
            var flag = Claim.Flag(type);
            claims = claims.Where(c => (c.ViolationTypeFlags & flag) != 0);
        }
        claims = Searched(claims, filter, level);
        var decisions = WithVerdict(claims);
        if (filter.Rating is { } rating)
            decisions = decisions.Where(d => d.Verdict.Rating == rating);
        return decisions;
    }

    /// <summary>
    /// <c>q</c> and <c>bbox</c> for a partner. The rule: a partner is never shown a claim because of something it cannot
    /// read in the answer. So <c>q</c> matches only the parts of the search text the partner shapes show (title, summary,
    /// place and admin names, perpetrators, source descriptions: <see cref="SearchScope.Partner"/>), never evidence text,
    /// testimonies or anything about a witness; and <c>bbox</c> tests the coordinates as the partner receives them,
    /// rounded to one decimal for a Public partner, so narrowing boxes cannot recover the precise position.
    /// </summary>
    private IQueryable<Claim> Searched(IQueryable<Claim> claims, IPartnerClaimFilter filter, SharingLevel level)
    {
        if (!string.IsNullOrWhiteSpace(filter.Q))
        {
            if (Claim.TryParseReference(filter.Q, out var number))
            {
                claims = claims.Where(c => c.Number == number);
            }
            else
            {
                var matching = ClaimTextSearch.Matching(db, SearchText.Terms(filter.Q), SearchScope.Partner);
                claims = claims.Where(c => matching.Contains(c.Number));
            }
        }
        if (BoundingBox.TryParse(filter.Bbox, out var box))
        {
            if (level == SharingLevel.Public)
            {
                // The shown tenth is within 0.05° of the stored value: the R*Tree's margin (the exact test follows).
                claims = ClaimBoxSearch.Near(db, claims, box, margin: 0.06);
                claims = PublicTenths(claims, box.MinLongitude, box.MaxLongitude, longitude: true);
                claims = PublicTenths(claims, box.MinLatitude, box.MaxLatitude, longitude: false);
            }
            else
            {
                claims = ClaimBoxSearch.Within(db, claims, box);
            }
        }
        return claims;
    }

    /// <summary>
    /// The claims whose coordinate, as a Public partner is shown it (<see cref="Coordinate"/>: n/10 with n =
    /// round-half-away-from-zero of value × 10), lies in [min, max]. The bounds become bounds on value × 10, which the
    /// database multiplies exactly as .NET does, so the box and the shown value never disagree, ties included.
    /// </summary>
    private static IQueryable<Claim> PublicTenths(IQueryable<Claim> claims, double min, double max, bool longitude)
    {
        var low = (long)Math.Ceiling(min * 10);
        while (low / 10.0 < min)
            low++;
        while ((low - 1) / 10.0 >= min)
            low--;
        var high = (long)Math.Floor(max * 10);
        while (high / 10.0 > max)
            high--;
        while ((high + 1) / 10.0 <= max)
            high++;
        // n >= low: value × 10 >= low − 0.5, where a tie rounds up (to low) only above zero.
        double lowBound = low - 0.5, highBound = high + 0.5;
        claims = longitude ? claims.Where(c => c.Location.Longitude != null) : claims.Where(c => c.Location.Latitude != null);
        claims = (longitude, lowBound > 0) switch
        {
            (true, true) => claims.Where(c => c.Location.Longitude * 10 >= lowBound),
            (true, false) => claims.Where(c => c.Location.Longitude * 10 > lowBound),
            (false, true) => claims.Where(c => c.Location.Latitude * 10 >= lowBound),
            (false, false) => claims.Where(c => c.Location.Latitude * 10 > lowBound),
        };
        // n <= high: value × 10 < high + 0.5, where a tie rounds down (to high) only below zero.
        return (longitude, highBound > 0) switch
        {
            (true, true) => claims.Where(c => c.Location.Longitude * 10 < highBound),
            (true, false) => claims.Where(c => c.Location.Longitude * 10 <= highBound),
            (false, true) => claims.Where(c => c.Location.Latitude * 10 < highBound),
            (false, false) => claims.Where(c => c.Location.Latitude * 10 <= highBound),
        };
    }

    /// <summary>
    /// Decided claims with their verdict, joined on the claim's own VerdictProposalId: an indexed equi-join. (A
    /// FirstOrDefault over the claim's proposals becomes a ROW_NUMBER window over the whole proposals table on every
    /// query: seconds per query at 100,000 claims on SQLite, whatever the filter.)
    /// </summary>
    private IQueryable<Decision> WithVerdict(IQueryable<Claim> claims) =>
        claims.Where(c => c.Stage == ClaimStage.Decided)
            .Join(db.VerdictProposals.AsNoTracking(), c => c.VerdictProposalId, p => (Guid?)p.Id,
                (c, p) => new Decision { Claim = c, Verdict = p });

    private static IQueryable<Decision> InPartnerOrder(IQueryable<Decision> decisions) =>
        decisions.OrderBy(d => d.Claim.UpdatedAt).ThenBy(d => d.Claim.Number);

    private IQueryable<Row> Project(IQueryable<Decision> decisions) => decisions.Select(d => new Row
    {
        Id = d.Claim.Id,
        Number = d.Claim.Number,
        Version = d.Claim.Version,
        Reference = d.Claim.Reference,
        UpdatedAt = d.Claim.UpdatedAt,
        Title = d.Claim.Title,
        Summary = d.Claim.Summary,
        ViolationTypeFlags = d.Claim.ViolationTypeFlags,
        StartDate = d.Claim.Incident.StartDate,
        EndDate = d.Claim.Incident.EndDate,
        TimePrecision = d.Claim.Incident.TimePrecision,
        PlaceName = d.Claim.Location.PlaceName,
        CountryCode = d.Claim.Location.CountryCode,
        Admin1 = d.Claim.Location.Admin1,
        Admin2 = d.Claim.Location.Admin2,
        Latitude = d.Claim.Location.Latitude,
        Longitude = d.Claim.Location.Longitude,
        GeoPrecision = d.Claim.Location.GeoPrecision,
        Perpetrators = d.Claim.Perpetrators,
        Sources = d.Claim.Sources,
        Verdict = new VerdictRow
        {
            Rating = d.Verdict.Rating,
            Rationale = d.Verdict.Rationale,
            AttributedTo = d.Verdict.AttributedTo,
            DecidedAt = d.Verdict.DecidedAt,
            Harm = new PartnerHarm(d.Verdict.Harm.KilledMin, d.Verdict.Harm.KilledMax, d.Verdict.Harm.InjuredMin, d.Verdict.Harm.InjuredMax,
                d.Verdict.Harm.CiviliansKilledMin, d.Verdict.Harm.CiviliansKilledMax, d.Verdict.Harm.ChildrenKilledMin,
                d.Verdict.Harm.ChildrenKilledMax, d.Verdict.Harm.WomenKilledMin, d.Verdict.Harm.WomenKilledMax),
        },
        Evidence = db.Evidence.Where(e => e.ClaimId == d.Claim.Id && e.ReviewStatus == ReviewStatus.Accepted)
            .OrderBy(e => e.SubmittedAt)
            .Select(e => new EvidenceRow
            {
                Id = e.Id,
                Kind = e.Kind,
                Sha256 = e.Sha256,
                Stance = e.Stance,
                ReviewStatus = e.ReviewStatus,
                SourceReliability = e.SourceReliability,
                InformationCredibility = e.InformationCredibility,
                ReviewedAt = e.ReviewedAt,
            })
            .ToList(),
    });

    private static PartnerClaim Shape(Row row, SharingLevel level, Dictionary<Guid, long> decisions) =>
        Shape(row, level) with { Decision = decisions.TryGetValue(row.Id, out var sequence) ? new PartnerDecision(sequence, row.Verdict.DecidedAt ?? row.UpdatedAt) : null };

    private static PartnerClaim Shape(Row row, SharingLevel level)
    {
        var verdict = row.Verdict;
        var decidedAt = verdict.DecidedAt ?? row.UpdatedAt;
        return new PartnerClaim(
            row.Id, row.Reference, row.UpdatedAt, row.Title, row.Summary,
            Claims.ClaimProjection.ViolationTypesOf(row.ViolationTypeFlags),
            new PartnerIncident(row.StartDate, row.EndDate, row.TimePrecision,
                new PartnerLocation(row.PlaceName, row.CountryCode, row.Admin1, row.Admin2,
                    Coordinate(row.Latitude, level), Coordinate(row.Longitude, level), row.GeoPrecision)),
            [.. row.Perpetrators.Select(p => new PartnerPerpetrator(p.Name, p.Type))],
            verdict.Harm,
            new PartnerVerdict(verdict.Rating, verdict.Rationale, verdict.AttributedTo, decidedAt),
            [.. row.Sources.Select(s => new PartnerSource(s.Type, s.Description, s.Url))],
            // The evidence the verdict rests on: accepted before it was decided. An item accepted later belongs to a
            // reopening and a next verdict, and would otherwise change a claim without changing its updatedAt.
            [.. row.Evidence.Where(e => e.ReviewedAt <= decidedAt)
                .Select(e => new PartnerEvidence(e.Id, e.Kind, e.Sha256, e.Stance, e.ReviewStatus, e.SourceReliability, e.InformationCredibility))])
        {
            Version = row.Version,
        };
    }

    private static double? Coordinate(double? value, SharingLevel level) =>
        value is { } v && level == SharingLevel.Public ? Math.Round(v, 1, MidpointRounding.AwayFromZero) : value;

    private sealed class Decision
    {
        public Claim Claim { get; init; } = null!;
        public VerdictProposal Verdict { get; init; } = null!;
    }

    private sealed class Row
    {
        public Guid Id { get; init; }
        public long Number { get; init; }
        public long Version { get; init; }
        public string Reference { get; init; } = string.Empty;
        public DateTime UpdatedAt { get; init; }
        public string Title { get; init; } = string.Empty;
        public string Summary { get; init; } = string.Empty;
        public int ViolationTypeFlags { get; init; }
        public DateOnly StartDate { get; init; }
        public DateOnly EndDate { get; init; }
        public TimePrecision TimePrecision { get; init; }
        public string PlaceName { get; init; } = string.Empty;
        public string CountryCode { get; init; } = string.Empty;
        public string? Admin1 { get; init; }
        public string? Admin2 { get; init; }
        public double? Latitude { get; init; }
        public double? Longitude { get; init; }
        public GeoPrecision GeoPrecision { get; init; }
        public IReadOnlyList<Perpetrator> Perpetrators { get; init; } = [];
        public IReadOnlyList<Source> Sources { get; init; } = [];
        public VerdictRow Verdict { get; init; } = null!;
        public List<EvidenceRow> Evidence { get; init; } = [];
    }

    private sealed class VerdictRow
    {
        public VerdictRating Rating { get; init; }
        public string Rationale { get; init; } = string.Empty;
        public IReadOnlyList<string> AttributedTo { get; init; } = [];
        public DateTime? DecidedAt { get; init; }
        public PartnerHarm Harm { get; init; } = null!;
    }

    private sealed class EvidenceRow
    {
        public Guid Id { get; init; }
        public EvidenceKind Kind { get; init; }
        public string Sha256 { get; init; } = string.Empty;
        public EvidenceStance Stance { get; init; }
        public ReviewStatus ReviewStatus { get; init; }
        public SourceReliability? SourceReliability { get; init; }
        public int? InformationCredibility { get; init; }
        public DateTime? ReviewedAt { get; init; }
    }
}
