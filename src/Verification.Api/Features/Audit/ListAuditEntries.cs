using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Http;
using Verification.Persistence;

namespace Verification.Api.Features.Audit;

public sealed record AuditEntryResponse(Guid Id, long Sequence, DateTime At, string Actor, string Action, string? TargetId,
    string ChangeDigest, string PreviousHash, string Hash, string? RecordsDigest);

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
                .Select(a => new AuditEntryResponse(a.Id, a.Sequence, a.At, a.Actor, a.Action, a.TargetId, a.ChangeDigest, a.PreviousHash, a.Hash,
                    a.RecordsDigest))
                .ToListAsync(cancellationToken);
            if (rows.Count <= query.Limit)
                return new Page<AuditEntryResponse>(rows, null);
            var page = rows.GetRange(0, query.Limit);
            return new Page<AuditEntryResponse>(page, Paging.Encode(page[^1].Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }
}
