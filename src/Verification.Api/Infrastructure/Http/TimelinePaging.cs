namespace Verification.Api.Infrastructure.Http;

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
