using FluentValidation;
using FluentValidation.Results;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Features.ReadModel;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Persistence;
using Verification.Api.Infrastructure.Security;
using Verification.Persistence;

namespace Verification.Api.Features.Claims;

/// <summary>
/// <c>GET /api/v1/claims</c> from the read side: <see cref="ListClaims"/>'s filter, order and cut on the indexed
/// <c>Claims</c> columns, materialized as each claim's stored staff document instead of an assembled answer.
/// </summary>
public static class ListClaimDocuments
{
    public sealed record Query(ListClaims.Query Filter) : IQuery<StoredPage>;

    /// <summary>The list's own rules, with the same field names in the problem (limit, cursor, countryCode…).</summary>
    public sealed class Validator : AbstractValidator<Query>
    {
        private static readonly ListClaims.Validator Filter = new();

        public override Task<ValidationResult> ValidateAsync(ValidationContext<Query> context, CancellationToken cancellation = default) =>
            Filter.ValidateAsync(context.InstanceToValidate.Filter, cancellation);

        public override ValidationResult Validate(ValidationContext<Query> context) => Filter.Validate(context.InstanceToValidate.Filter);
    }

    internal sealed class Handler(VerificationDb db, ICurrentUser user, ClaimDocumentBuilder builder, PreparedQueries? prepared = null) : IQueryHandler<Query, StoredPage>
    {
        public async ValueTask<StoredPage> Handle(Query query, CancellationToken cancellationToken)
        {
            var filter = query.Filter;
            var limit = filter.Limit;
            return await builder.ComposePageAsync(db, limit, bytesPerItem: 2560, async body =>
            {
                var last = await ReadPageAsync(filter, limit, body, cancellationToken);
                return last is { } number ? await ListClaims.Handler.NextCursorAsync(db, filter, number, cancellationToken) : null;
            }, fresh => fresh.Staff, cancellationToken);
        }

        /// <summary>
        /// The page into <paramref name="body"/>; answers the number of the page's last claim when another page follows.
        /// The newest claims, for those who see them all: the compiled query's own SQL run prepared where the host runs
        /// prepared reads, its rows read straight into the body (<see cref="StoredPageRows"/>), the compiled query
        /// otherwise; nothing built or looked up per request either way. Filtered pages go through EF Core.
        /// </summary>
        private async Task<long?> ReadPageAsync(ListClaims.Query filter, int limit, StoredPageBody body, CancellationToken cancellationToken)
        {
            if (!Unfiltered(filter) || !user.SeesAllClaims())
                return Add(await WithDocuments(ListClaims.Handler.PageOf(db, user, filter), db).ToListAsync(cancellationToken), limit, body);
            var after = Paging.TryDecodeNumber(filter.Cursor, out var position) ? position : long.MaxValue;
            if (prepared is { Enabled: true })
            {
                var statement = prepared.GetWithLimit(NewestName, limit + 1, db, static (d, take) => PrepareNewest(d, take));
                var (more, number) = statement.ReadsSqliteRows
                    ? await statement.ReadSqlite(rows => StoredPageRows.Read(rows, NewestColumns, limit, body, static r => r.Int64(1)), cancellationToken, after, limit + 1)
                    : await statement.ReadAsync((reader, t) => StoredPageRows.ReadAsync(reader, NewestColumns, limit, body, static r => r.GetInt64(1), t), cancellationToken, after, limit + 1);
                return more ? number : null;
            }
            var rows = new List<Row>(limit + 1);
            await foreach (var row in CompiledReads.For(db.Model).Newest(db, after, limit + 1).WithCancellation(cancellationToken))
                rows.Add(row);
            return Add(rows, limit, body);
        }

        /// <summary>The first <paramref name="limit"/> rows into <paramref name="body"/>; the last one's number when a row follows them.</summary>
        private static long? Add(List<Row> rows, int limit, StoredPageBody body)
        {
            for (var i = 0; i < rows.Count && i < limit; i++)
            {
                if (rows[i].Current)
                    body.Add(rows[i].Staff);
                else
                    body.AddPending(rows[i].Id);
            }
            return rows.Count > limit ? rows[limit - 1].Number : null;
        }

        /// <summary>The columns of <see cref="Row"/> as <see cref="NewestQuery"/> selects them (<see cref="ReadRowsAsync(System.Data.Common.DbDataReader, CancellationToken)"/>).</summary>
        private static readonly StoredPageRows.Columns NewestColumns = new(Id: 0, Version: 2, DocumentVersion: 3, Document: 4);

        private const string NewestName = "ListClaimDocuments.Newest";

        /// <summary>
        /// The prepared form of <see cref="CompiledReads.Newest"/>, from the same expression: (after, take), the row count a
        /// parameter or written in (<see cref="PreparedQueries.GetWithLimit{TState}"/>).
        /// </summary>
        internal static PreparedQuery PrepareNewest(VerificationDb db, object take) => PreparedQuery.ForCompiled(db, NewestQuery, Sentinel.Number, take);

        /// <summary>The statement's columns in the order of <see cref="Row"/>'s constructor, as EF Core selects them.</summary>
        internal static async Task<List<Row>> ReadRowsAsync(System.Data.Common.DbDataReader reader, CancellationToken ct)
        {
            var rows = new List<Row>();
            while (await reader.ReadAsync(ct))
            {
                rows.Add(new Row(reader.GetGuid(0), reader.GetInt64(1), reader.GetInt64(2), reader.Int64OrNull(3), reader.BytesOrNull(4)));
            }
            return rows;
        }

        /// <summary>
        /// <see cref="WithDocuments"/> over <see cref="ListClaims.Handler.PageOf"/> without filters for a caller who sees every
        /// claim (no cursor is <c>long.MaxValue</c>: every claim number is below it).
        /// </summary>
        internal static readonly System.Linq.Expressions.Expression<Func<VerificationDb, long, int, IQueryable<Row>>> NewestQuery = (VerificationDb db, long after, int take) =>
            from c in db.Claims.AsNoTracking().Where(c => c.Number < after).OrderByDescending(c => c.Number).Take(take)
            join d in db.ClaimDocuments.AsNoTracking() on c.Id equals d.ClaimId into documents
            from d in documents.DefaultIfEmpty()
            select new Row(c.Id, c.Number, c.Version, d == null ? null : d.Version, d == null ? null : d.Staff);

        /// <summary>No filter and the default order: the first page and the next ones of the plain list.</summary>
        internal static bool Unfiltered(ListClaims.Query q) =>
            q.Status is null && q.CountryCode is null && q.ViolationType is null && q.From is null && q.To is null
            && string.IsNullOrWhiteSpace(q.Q) && q.ImportId is null && q.Reviewer is null && q.Bbox is null && q.Perpetrator is null
            && !q.ByRelevance;

        /// <summary>The page's claims with their stored staff documents, left-joined on the document's primary key in the same statement.</summary>
        internal static IQueryable<Row> WithDocuments(IQueryable<Verification.Domain.Claims.Claim> page, VerificationDb db) =>
            from c in page
            join d in db.ClaimDocuments.AsNoTracking() on c.Id equals d.ClaimId into documents
            from d in documents.DefaultIfEmpty()
            select new Row(c.Id, c.Number, c.Version, d == null ? null : d.Version, d == null ? null : d.Staff);

        internal sealed record Row(Guid Id, long Number, long Version, long? DocumentVersion, byte[]? Staff)
        {
            public bool Current => Staff is not null && DocumentVersion == Version;
        }

        /// <summary><see cref="NewestQuery"/> compiled once per model (SQL Server, and the tests' reference).</summary>
        internal sealed class CompiledReads
        {
            private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Microsoft.EntityFrameworkCore.Metadata.IModel, CompiledReads> ByModel = new();

            public static CompiledReads For(Microsoft.EntityFrameworkCore.Metadata.IModel model) => ByModel.GetValue(model, static _ => new CompiledReads());

            public readonly Func<VerificationDb, long, int, IAsyncEnumerable<Row>> Newest = EF.CompileAsyncQuery(NewestQuery);
        }
    }
}
