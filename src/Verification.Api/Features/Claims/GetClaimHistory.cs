using System.Text.Json;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Pipeline;
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
