using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Domain.Notifications;
using Verification.Persistence;

namespace Verification.Api.Features.Notifications;

public sealed record NotificationResponse(Guid Id, NotificationKind Kind, Guid ClaimId, DateTime At, bool Read, string Text);

/// <summary>The caller's notifications, newest first, with how many are unread.</summary>
public static class ListNotifications
{
    public sealed record Query(bool? Unread, int Limit, string? Cursor) : IQuery<Response>, IPagedQuery;

    public sealed record Response(int Unread, IReadOnlyList<NotificationResponse> Items, string? NextCursor);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => this.PagedBy(c => Paging.TryDecodeNumber(c, out var sequence) && sequence > 0);
    }

    internal sealed class Handler(VerificationDb db, ICurrentUser user) : IQueryHandler<Query, Response>
    {
        public async ValueTask<Response> Handle(Query query, CancellationToken cancellationToken)
        {
            var me = user.Id;
            var mine = db.Notifications.AsNoTracking().Where(n => n.RecipientId == me);
            var unread = await mine.CountAsync(n => n.ReadAt == null, cancellationToken);
            var page = mine;
            if (query.Unread is { } onlyUnread)
                page = onlyUnread ? page.Where(n => n.ReadAt == null) : page.Where(n => n.ReadAt != null);
            if (Paging.TryDecodeNumber(query.Cursor, out var before))
                page = page.Where(n => n.Sequence < before);
            var rows = await page.OrderByDescending(n => n.Sequence).Take(query.Limit + 1)
                .Select(n => new { n.Sequence, Item = new NotificationResponse(n.Id, n.Kind, n.ClaimId, n.At, n.ReadAt != null, n.Text) })
                .ToListAsync(cancellationToken);
            var next = rows.Count > query.Limit
                ? Paging.Encode(rows[query.Limit - 1].Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture))
                : null;
            return new Response(unread, [.. rows.Take(query.Limit).Select(r => r.Item)], next);
        }
    }
}
