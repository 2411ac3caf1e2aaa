using System.Text.Json;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Pipeline;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Claims;

public static class GetClaimHistory
{
    public sealed record Query(Guid ClaimId, int Limit, string? Cursor) : IQuery<Page<HistoryEntry>>, IClaimQuery, IPagedQuery;

    /// <summary>
    /// One event of the timeline; evidence events name their item. <see cref="Details"/> is text, except for an edit,
    /// whose details are the changed fields as <c>[{ field, from, to }]</c>.
    /// </summary>
    public sealed record HistoryEntry(Guid Id, DateTime At, Guid? Actor, string Action, JsonElement Details, Guid? EvidenceId);

    public const string EditedAction = Verification.Domain.Claims.FieldChange.HistoryAction;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => this.PagedBy(c => TimelinePaging.TryParse(c, out _));
    }

    internal sealed class Handler(VerificationDb db) : IQueryHandler<Query, Page<HistoryEntry>>
    {
        public async ValueTask<Page<HistoryEntry>> Handle(Query query, CancellationToken cancellationToken)
        {
            // A claim's timeline is its own events plus the custody events of its evidence, merged by time.
            var claimEvents = (await db.ClaimEvents.AsNoTracking().Where(e => e.ClaimId == query.ClaimId)
                    .Select(e => new { e.Id, e.At, e.Actor, e.Action, e.Details })
                    .ToListAsync(cancellationToken))
                .Select(e => new HistoryEntry(e.Id, e.At, e.Actor, e.Action,
                    e.Action == EditedAction ? JsonDocument.Parse(e.Details).RootElement : Text(e.Details), null));
            var custody = await db.CustodyEvents.AsNoTracking()
                .Where(e => db.Evidence.Any(x => x.Id == e.EvidenceId && x.ClaimId == query.ClaimId))
                .Select(e => new { e.Id, e.At, e.Actor, e.Action, e.Details, e.EvidenceId })
                .ToListAsync(cancellationToken);
            var timeline = claimEvents
                .Concat(custody.Select(e => new HistoryEntry(e.Id, e.At, e.Actor, $"Custody{e.Action}", Text(e.Details), e.EvidenceId)));
            return TimelinePaging.Page(timeline, e => e.At, e => e.Id, query.Limit, query.Cursor);
        }

        private static JsonElement Text(string details) => JsonSerializer.SerializeToElement(details);
    }
}

/// <summary>
/// Pages a per-object timeline (a claim's history, an item's custody) that is read whole: such timelines are
/// small, and reading them whole lets two tables merge into one time order. The cursor is the last (time, id).
/// </summary>
public static class TimelinePaging
{
    public static Page<T> Page<T>(IEnumerable<T> items, Func<T, DateTime> at, Func<T, Guid> id, int limit, string? cursor)
    {
        var ordered = items.OrderBy(at).ThenBy(i => id(i).ToString("N"), StringComparer.Ordinal).AsEnumerable();
        if (cursor is not null && TryParse(cursor, out var after))
            ordered = ordered.Where(i => at(i).Ticks > after.Ticks
                || at(i).Ticks == after.Ticks && string.CompareOrdinal(id(i).ToString("N"), after.Id) > 0);
        var page = ordered.Take(limit + 1).ToList();
        if (page.Count <= limit)
            return new Page<T>(page, null);
        var last = page[limit - 1];
        return new Page<T>(page.GetRange(0, limit), Paging.Encode($"{at(last).Ticks}:{id(last):N}"));
    }

    public static bool TryParse(string cursor, out (long Ticks, string Id) position)
    {
        position = default;
        if (!Paging.TryDecode(cursor, out var text))
            return false;
        var parts = text.Split(':');
        if (parts.Length != 2 || !long.TryParse(parts[0], out var ticks) || !Guid.TryParseExact(parts[1], "N", out _))
            return false;
        position = (ticks, parts[1]);
        return true;
    }
}
