using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Http;
using Verification.Domain.Audit;
using Verification.Persistence;

namespace Verification.Api.Features.Audit;

public sealed record AuditEntryResponse(Guid Id, long Sequence, DateTime At, string Actor, string Action, string? TargetId,
    string ChangeDigest, string PreviousHash, string Hash);

public static class ListAuditEntries
{
    public sealed record Query(string? EntityId, string? Actor, DateTime? From, DateTime? To, int Limit, string? Cursor)
        : IQuery<Page<AuditEntryResponse>>, IPagedQuery;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            this.PagedBy(c => Paging.TryDecodeNumber(c, out _));
            RuleFor(q => q.EntityId).MaximumLength(100);
            RuleFor(q => q.Actor).MaximumLength(100);
        }
    }

    internal sealed class Handler(VerificationDb db) : IQueryHandler<Query, Page<AuditEntryResponse>>
    {
        public async ValueTask<Page<AuditEntryResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            var entries = db.AuditEntries.AsNoTracking();
            if (query.EntityId is { } target)
                entries = entries.Where(a => a.TargetId == target);
            if (query.Actor is { } actor)
                entries = entries.Where(a => a.Actor == actor || a.Actor == "user:" + actor);
            if (query.From is { } from)
                entries = entries.Where(a => a.At >= from.ToUniversalTime());
            if (query.To is { } to)
                entries = entries.Where(a => a.At <= to.ToUniversalTime());
            if (Paging.TryDecodeNumber(query.Cursor, out var after))
                entries = entries.Where(a => a.Sequence > after);
            var rows = await entries.OrderBy(a => a.Sequence).Take(query.Limit + 1)
                .Select(a => new AuditEntryResponse(a.Id, a.Sequence, a.At, a.Actor, a.Action, a.TargetId, a.ChangeDigest, a.PreviousHash, a.Hash))
                .ToListAsync(cancellationToken);
            if (rows.Count <= query.Limit)
                return new Page<AuditEntryResponse>(rows, null);
            var page = rows.GetRange(0, query.Limit);
            return new Page<AuditEntryResponse>(page, Paging.Encode(page[^1].Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }
}

public static class VerifyAuditChain
{
    public sealed record Query : IQuery<Result>;

    public sealed record Result(bool Valid, long Checked, Guid? FirstInvalidEntryId, long? FirstInvalidSequence);

    internal sealed class Handler(VerificationDb db) : IQueryHandler<Query, Result>
    {
        public async ValueTask<Result> Handle(Query query, CancellationToken cancellationToken)
        {
            // Streamed in sequence order: constant memory however long the chain.
            var verifier = new AuditChainVerifier();
            await foreach (var entry in db.AuditEntries.AsNoTracking().OrderBy(a => a.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                if (!verifier.Accept(entry))
                    break;
            }
            var result = verifier.Result;
            return new Result(result.Valid, result.Checked, result.FirstInvalidEntryId, result.FirstInvalidSequence);
        }
    }
}

public static class GetAuditHead
{
    public sealed record Query : IQuery<Result>;

    /// <summary>The newest entry: a partner who keeps it can later prove that history before it was not rewritten.</summary>
    public sealed record Result(long Sequence, string Hash, DateTime? At);

    internal sealed class Handler(VerificationDb db) : IQueryHandler<Query, Result>
    {
        public async ValueTask<Result> Handle(Query query, CancellationToken cancellationToken) =>
            await db.AuditEntries.AsNoTracking().OrderByDescending(a => a.Sequence)
                .Select(a => new Result(a.Sequence, a.Hash, a.At)).FirstOrDefaultAsync(cancellationToken)
            ?? new Result(0, AuditEntry.GenesisHash, null);
    }
}
