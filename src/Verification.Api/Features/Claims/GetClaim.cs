using System.Runtime.CompilerServices;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Claims;

public static class GetClaim
{
    public sealed record Query(Guid ClaimId) : IQuery<ClaimResponse>;

    internal sealed class Handler(VerificationDb db, ICurrentUser user) : IQueryHandler<Query, ClaimResponse>
    {
        public async ValueTask<ClaimResponse> Handle(Query query, CancellationToken cancellationToken)
        {
            var reads = CompiledReads.For(db.Model);
            return (user.SeesAllClaims()
                       ? await reads.AnyClaim(db, query.ClaimId, cancellationToken)
                       : await reads.ClaimOfInvestigator(db, query.ClaimId, user.Id, cancellationToken))
                   ?? throw new NotFound("Claim", query.ClaimId);
        }
    }

    /// <summary>
    /// The most frequent read of the API, compiled once: EF Core then skips, on every request, the walk over the
    /// expression tree that finds the parameters and the lookup of the translated query in its cache (about 40% of
    /// the CPU of this request in the benchmark's profile). A compiled query belongs to one model, and one process may
    /// hold several (the tests run SQLite and PostgreSQL side by side), so they are kept per model. The two shapes
    /// are ClaimVisibility's rule, spelled out because a compiled query cannot branch on the caller.
    /// </summary>
    private sealed class CompiledReads
    {
        private static readonly ConditionalWeakTable<IModel, CompiledReads> ByModel = new();

        public static CompiledReads For(IModel model) => ByModel.GetValue(model, static _ => new CompiledReads());

        public readonly Func<VerificationDb, Guid, CancellationToken, Task<ClaimResponse?>> AnyClaim =
            EF.CompileAsyncQuery((VerificationDb db, Guid id, CancellationToken _) =>
                db.Claims.AsNoTracking().Where(c => c.Id == id).Select(ClaimProjection.ToResponse).FirstOrDefault());

        public readonly Func<VerificationDb, Guid, Guid, CancellationToken, Task<ClaimResponse?>> ClaimOfInvestigator =
            EF.CompileAsyncQuery((VerificationDb db, Guid id, Guid me, CancellationToken _) =>
                db.Claims.AsNoTracking().Where(c => c.Id == id)
                    .Where(c => c.SubmittedBy == me || c.Assignments.Any(a => a.UserId == me))
                    .Select(ClaimProjection.ToResponse).FirstOrDefault());
    }
}
