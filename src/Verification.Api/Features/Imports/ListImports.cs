using System.Globalization;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;
using Verification.Persistence;

namespace Verification.Api.Features.Imports;

public static class ListImports
{
    public sealed record Query(int Limit, string? Cursor) : IQuery<Page<ImportSummary>>, IPagedQuery;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => this.PagedBy(c => TryParse(c, out _));
    }

    internal sealed class Handler(VerificationDb db, ICurrentUser user) : IQueryHandler<Query, Page<ImportSummary>>
    {
        public async ValueTask<Page<ImportSummary>> Handle(Query query, CancellationToken cancellationToken)
        {
            var imports = db.Imports.AsNoTracking().VisibleTo(user);
            if (query.Cursor is not null && TryParse(query.Cursor, out var after))
                imports = imports.Where(i => i.CreatedAt < after.At || (i.CreatedAt == after.At && i.Id.CompareTo(after.Id) < 0));

            // Newest first, keyset-paged on (createdAt, id): an import started while a client pages never shifts a page.
            var rows = await imports.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id)
                .Take(query.Limit + 1)
                .Select(ImportProjection.ToSummary)
                .ToListAsync(cancellationToken);
            if (rows.Count <= query.Limit)
                return new Page<ImportSummary>(rows, null);
            var items = rows.GetRange(0, query.Limit);
            var last = items[^1];
            return new Page<ImportSummary>(items,
                Paging.Encode($"{last.CreatedAt.Ticks.ToString(CultureInfo.InvariantCulture)}:{last.Id:N}"));
        }
    }

    private static bool TryParse(string cursor, out (DateTime At, Guid Id) position)
    {
        position = default;
        if (!Paging.TryDecode(cursor, out var text))
            return false;
        var parts = text.Split(':');
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTime.MaxValue.Ticks || !Guid.TryParseExact(parts[1], "N", out var id))
            return false;
        position = (new DateTime(ticks, DateTimeKind.Utc), id);
        return true;
    }
}
