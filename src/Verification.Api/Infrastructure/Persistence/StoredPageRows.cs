using System.Data.Common;
using Verification.Api.Infrastructure.Http;

namespace Verification.Api.Infrastructure.Persistence;

/// <summary>
/// A page of stored documents read straight into its body (<see cref="StoredPageBody"/>) from a statement whose rows are
/// one claim each, with the claim's id, its version, its document's version and the document (null where the claim
/// has no document): the unfiltered staff list and partner pages. A row whose document describes the claim as it is
/// (the document is there and its version is the claim's) has its bytes copied in; any other row becomes a pending
/// place for the claim's id. The statement selects one row more than the page: its presence says another page follows,
/// and the page's last row gives the cursor (read by <c>last</c>, once per page).
/// </summary>
/// <remarks>
/// Only what the page needs is read from a row: the two versions and the document, and the id only when the document
/// is not current. On SQLite the document is the span SQLite holds for the row, copied once into the body; elsewhere it
/// is copied from the driver's row buffer with <see cref="DbDataReader.GetBytes"/>. Both replace reading each column
/// of every row and a new array per document (docs/performance-changes.md, tenth round).
/// </remarks>
public static class StoredPageRows
{
    /// <summary>The ordinals of the columns read from each row.</summary>
    public readonly record struct Columns(int Id, int Version, int DocumentVersion, int Document);

    /// <summary>Reads at most <paramref name="limit"/> rows into <paramref name="body"/>; answers whether a row followed them and what <paramref name="last"/> read on the page's last row.</summary>
    public static (bool More, TLast Last) Read<TLast>(SqliteRows rows, Columns columns, int limit, StoredPageBody body, Func<SqliteRows, TLast> last)
    {
        TLast key = default!;
        for (var n = 0; rows.Next(); n++)
        {
            if (n == limit)
                return (true, key);
            if (n == limit - 1)
                key = last(rows);
            // A document that is there comes from a document row, whose version is never NULL: so the versions are read
            // only then, and an empty span is NULL (no document) unless the column says it is an empty blob.
            var document = rows.Blob(columns.Document);
            if ((!document.IsEmpty || !rows.IsNull(columns.Document)) && rows.Int64(columns.DocumentVersion) == rows.Int64(columns.Version))
                body.Add(document);
            else
                body.AddPending(rows.Guid(columns.Id));
        }
        return (false, key);
    }

    /// <summary><see cref="Read{TLast}"/> through ADO.NET (PostgreSQL).</summary>
    public static async Task<(bool More, TLast Last)> ReadAsync<TLast>(DbDataReader reader, Columns columns, int limit, StoredPageBody body, Func<DbDataReader, TLast> last, CancellationToken ct)
    {
        TLast key = default!;
        for (var n = 0; await reader.ReadAsync(ct); n++)
        {
            if (n == limit)
                return (true, key);
            if (n == limit - 1)
                key = last(reader);
            if (!reader.IsDBNull(columns.Document) && !reader.IsDBNull(columns.DocumentVersion)
                && reader.GetInt64(columns.DocumentVersion) == reader.GetInt64(columns.Version))
            {
                // A null buffer asks for the length (ADO.NET's contract for GetBytes).
                var length = checked((int)reader.GetBytes(columns.Document, 0, null, 0, 0));
                var target = body.Reserve(length);
                var read = 0;
                while (read < length)
                {
                    var got = (int)reader.GetBytes(columns.Document, read, target.Array, target.Offset + read, length - read);
                    if (got <= 0)
                        throw new InvalidOperationException("The document ended before its length.");
                    read += got;
                }
            }
            else
            {
                body.AddPending(reader.GetGuid(columns.Id));
            }
        }
        return (false, key);
    }
}
