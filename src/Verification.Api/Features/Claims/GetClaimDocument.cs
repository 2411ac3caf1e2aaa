using System.Runtime.CompilerServices;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Verification.Api.Features.ReadModel;
using Verification.Api.Infrastructure.Persistence;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Claims;

/// <summary>
/// <c>GET /api/v1/claims/{id}</c> from the read side: the claim's stored staff document, if the caller may see the claim.
/// The visibility rule runs on the indexed <c>Claims</c> columns; the document is joined on its primary key. A caller
/// that names the claim's current version in <c>If-None-Match</c> (<see cref="Query.KnownVersion"/>) is answered from
/// the version alone: the same lookup, with the same visibility rule, selects no bytes; and a caller who sees every claim
/// is answered from <see cref="ClaimVersions"/> without the database when the version is known current there.
/// </summary>
public static class GetClaimDocument
{
    /// <param name="KnownVersion">The version the caller's <c>If-None-Match</c> names (<see cref="Infrastructure.Http.NoneMatch.KnownVersion"/>), if any.</param>
    public sealed record Query(Guid ClaimId, long? KnownVersion = null) : IQuery<StoredDocument>;

    /// <remarks>
    /// The endpoint calls this handler directly, not through the mediator (<see cref="ClaimEndpoints"/>): none of the
    /// pipeline's behaviours acts on this query (no validator; not an IClaimQuery, IClaimCommand or any command, so no
    /// object check, precondition, transaction or audit entry), and building them on every read (with their database
    /// lease, audit trail and bulk writer) was a tenth of a read's CPU. The visibility rule is here, in the statement.
    /// <c>DirectReadTests</c> fails if a behaviour is added or this query gains a marker the behaviours act on. The
    /// context is leased only when it is needed (the first read builds the prepared statement; a missing document).
    /// </remarks>
    internal sealed class Handler(IServiceProvider services, ICurrentUser user, ClaimDocumentBuilder builder, PreparedQueries prepared,
        ClaimVersions versions)
        : IQueryHandler<Query, StoredDocument>
    {
        private VerificationDb? _db;

        private VerificationDb Db => _db ??= services.GetRequiredService<VerificationDb>();

        public async ValueTask<StoredDocument> Handle(Query query, CancellationToken cancellationToken)
        {
            // Versions are never negative: -1 names none.
            var known = query.KnownVersion ?? -1;
            // Only for a caller who sees every claim: the versions say nothing of who may see which claim.
            var seesAll = user.SeesAllClaims();
            if (known >= 0 && seesAll && versions.IsCurrent(query.ClaimId, known))
                return StoredDocument.Unchanged(known);
            var started = versions.StartRead();
            var row = await ReadAsync(query.ClaimId, known, seesAll, cancellationToken) ?? throw new NotFound("Claim", query.ClaimId);
            versions.Remember(query.ClaimId, row.Version, started);
            if (row.Version == known)
                return StoredDocument.Unchanged(row.Version);
            if (row.Staff is not null && row.DocumentVersion == row.Version)
                return new StoredDocument(row.Version, row.Staff);
            // No document yet (a database from before the read side, until the backfill reaches it): the write side answers.
            var built = await builder.BuildAsync(Db, [query.ClaimId], cancellationToken);
            return built.TryGetValue(query.ClaimId, out var fresh)
                ? new StoredDocument(fresh.Version, fresh.Staff)
                : throw new NotFound("Claim", query.ClaimId);
        }

        /// <summary>
        /// The claim's version and document under ClaimVisibility's rule: EF Core's compiled query's own SQL, run prepared
        /// (<see cref="PreparedQuery"/>) where the provider allows it, else the compiled query itself.
        /// </summary>
        internal Task<Row?> ReadAsync(Guid id, long known, bool seesAll, CancellationToken ct)
        {
            if (!prepared.Enabled)
            {
                var reads = CompiledReads.For(Db.Model);
                return seesAll ? reads.AnyClaim(Db, id, known, ct) : reads.ClaimOfInvestigator(Db, id, user.Id, known, ct);
            }
            return seesAll
                ? prepared.Get(AnyClaimName, this, static h => PrepareAnyClaim(h.Db)).ReadAsync(ReadRowAsync, ct, id, known)
                : prepared.Get(ClaimOfInvestigatorName, this, static h => PrepareClaimOfInvestigator(h.Db)).ReadAsync(ReadRowAsync, ct, id, user.Id, known);
        }
    }

    private const string AnyClaimName = "GetClaimDocument.AnyClaim";
    private const string ClaimOfInvestigatorName = "GetClaimDocument.ClaimOfInvestigator";

    /// <summary>The LINQ of <see cref="CompiledReads.AnyClaim"/>, over captured values (which EF Core makes parameters).</summary>
    internal static IQueryable<Row> AnyClaim(VerificationDb db, Guid id, long known) =>
        (from c in db.Claims.AsNoTracking().Where(c => c.Id == id)
         join d in db.ClaimDocuments.AsNoTracking() on c.Id equals d.ClaimId into documents
         from d in documents.DefaultIfEmpty()
         select new Row(c.Version, d == null ? null : d.Version, d == null || c.Version == known ? null : d.Staff)).Take(1);

    /// <summary>The LINQ of <see cref="CompiledReads.ClaimOfInvestigator"/>, over captured values.</summary>
    internal static IQueryable<Row> ClaimOfInvestigator(VerificationDb db, Guid id, Guid me, long known) =>
        (from c in db.Claims.AsNoTracking().Where(c => c.Id == id)
             .Where(c => c.SubmittedBy == me || c.Assignments.Any(a => a.UserId == me))
         join d in db.ClaimDocuments.AsNoTracking() on c.Id equals d.ClaimId into documents
         from d in documents.DefaultIfEmpty()
         select new Row(c.Version, d == null ? null : d.Version, d == null || c.Version == known ? null : d.Staff)).Take(1);

    internal static PreparedQuery PrepareAnyClaim(VerificationDb db) =>
        PreparedQuery.For(db, AnyClaim(db, Sentinel.Id, Sentinel.Known), Sentinel.Id, Sentinel.Known);

    internal static PreparedQuery PrepareClaimOfInvestigator(VerificationDb db) =>
        PreparedQuery.For(db, ClaimOfInvestigator(db, Sentinel.Id, Sentinel.Caller, Sentinel.Known), Sentinel.Id, Sentinel.Caller, Sentinel.Known);

    /// <summary>The statement's columns in the order of <see cref="Row"/>'s constructor, as EF Core selects them.</summary>
    internal static async Task<Row?> ReadRowAsync(System.Data.Common.DbDataReader reader, CancellationToken ct)
    {
        if (!await reader.ReadAsync(ct))
            return null;
        return new Row(reader.GetInt64(0),
            await reader.IsDBNullAsync(1, ct) ? null : reader.GetInt64(1),
            await reader.IsDBNullAsync(2, ct) ? null : reader.GetFieldValue<byte[]>(2));
    }

    internal sealed record Row(long Version, long? DocumentVersion, byte[]? Staff);

    /// <summary>
    /// Compiled once per model, as <see cref="GetClaim"/>'s reads are: the claim's version and its document by a left join
    /// on the document's primary key, in the two shapes of ClaimVisibility's rule. The bytes are selected only when the
    /// claim is not at the version the caller already has (a CASE in the SELECT: the database never reads them then).
    /// </summary>
    private sealed class CompiledReads
    {
        private static readonly ConditionalWeakTable<IModel, CompiledReads> ByModel = new();

        public static CompiledReads For(IModel model) => ByModel.GetValue(model, static _ => new CompiledReads());

        public readonly Func<VerificationDb, Guid, long, CancellationToken, Task<Row?>> AnyClaim =
            EF.CompileAsyncQuery((VerificationDb db, Guid id, long known, CancellationToken _) =>
                (from c in db.Claims.AsNoTracking().Where(c => c.Id == id)
                 join d in db.ClaimDocuments.AsNoTracking() on c.Id equals d.ClaimId into documents
                 from d in documents.DefaultIfEmpty()
                 select new Row(c.Version, d == null ? null : d.Version, d == null || c.Version == known ? null : d.Staff)).FirstOrDefault());

        public readonly Func<VerificationDb, Guid, Guid, long, CancellationToken, Task<Row?>> ClaimOfInvestigator =
            EF.CompileAsyncQuery((VerificationDb db, Guid id, Guid me, long known, CancellationToken _) =>
                (from c in db.Claims.AsNoTracking().Where(c => c.Id == id)
                     .Where(c => c.SubmittedBy == me || c.Assignments.Any(a => a.UserId == me))
                 join d in db.ClaimDocuments.AsNoTracking() on c.Id equals d.ClaimId into documents
                 from d in documents.DefaultIfEmpty()
                 select new Row(c.Version, d == null ? null : d.Version, d == null || c.Version == known ? null : d.Staff)).FirstOrDefault());
    }
}
