using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Persistence.Bulk;

/// <summary>
/// PostgreSQL compresses every value over about 2 kB (TOAST) with pglz unless told otherwise. In a profile of the server
/// during a 20,000-row UCDP import (perf on the backends), <c>pglz_compress</c> was the largest single function, 12% of
/// the backend's CPU: the stored documents and the longer claim texts. lz4 compresses the same values several times
/// faster and is read back transparently (PostgreSQL 14 and later, when the server is built with it, as the Debian,
/// Ubuntu, RHEL and official container builds are). A bulk write turns it on for its own transaction only
/// (<c>SET LOCAL</c>): nothing else, and no stored value, changes; a server without lz4 keeps pglz.
/// </summary>
public static class FastCompression
{
    private static readonly ConcurrentDictionary<string, bool> Lz4 = new(StringComparer.Ordinal);

    public static async Task UseInTransactionAsync(VerificationDb db, CancellationToken ct)
    {
        if (db.Provider != DatabaseProvider.PostgreSql || db.Database.CurrentTransaction is null)
            return;
        var key = db.Database.GetConnectionString() ?? string.Empty;
        if (!Lz4.TryGetValue(key, out var lz4))
        {
            lz4 = await db.Database.SqlQueryRaw<bool>(
                    """SELECT EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) AS "Value" """)
                .SingleAsync(ct);
            Lz4[key] = lz4;
        }
        if (lz4)
            await db.Database.ExecuteSqlRawAsync("SET LOCAL default_toast_compression = lz4", ct);
    }
}
