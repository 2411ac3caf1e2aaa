using System.Buffers.Text;
using System.Text;
using FluentValidation;

namespace Verification.Api.Infrastructure.Http;

/// <summary>Every list answers this shape: a page of items and the cursor of the next page, or null at the end.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>
/// Opaque cursors: the keyset position of the last item, base64url-encoded. Clients pass them back unchanged;
/// they are not a promise about what is inside.
/// </summary>
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static string Encode(string position) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(position));

    public static string Decode(string cursor) => Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));

    public static bool TryDecode(string cursor, out string position)
    {
        position = string.Empty;
        if (cursor.Length is 0 or > 512 || !Base64Url.IsValid(cursor))
            return false;
        position = Decode(cursor);
        return true;
    }

    public static bool TryDecodeNumber(string? cursor, out long number)
    {
        number = 0;
        return cursor is not null && TryDecode(cursor, out var position) && long.TryParse(position, out number);
    }
}

/// <summary>A keyset-paged list query: a page size and, after the first page, the cursor the previous page gave.</summary>
public interface IPagedQuery
{
    int Limit { get; }
    string? Cursor { get; }
}

public static class PagingRules
{
    /// <summary>The rules every list shares: 1 ≤ limit ≤ <see cref="Paging.MaxLimit"/>, and a cursor this list itself issued.</summary>
    public static void PagedBy<T>(this AbstractValidator<T> validator, Func<string, bool> cursorIssued) where T : IPagedQuery
    {
        validator.RuleFor(q => q.Limit).InclusiveBetween(1, Paging.MaxLimit);
        validator.RuleFor(q => q.Cursor).Must(c => c is null || cursorIssued(c)).WithMessage("The cursor is not one this API issued.");
    }
}
