using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Verification.Api.Infrastructure.Persistence;

/// <summary>
/// SQLite (3.53 here) reads the value bound to a bare <c>LIMIT @p</c> or <c>OFFSET @p</c> parameter while it plans a
/// statement, and marks the statement to be planned again whenever that parameter is bound anew. Microsoft.Data.Sqlite
/// binds every parameter on every execution, so a prepared statement whose page size is a parameter was parsed and
/// planned again on every read: 63,000 re-preparations for about 60,000 requests in a profile of the read routes
/// (<c>sqlite3Reprepare</c>, docs/performance-changes.md, seventh round). Written <c>LIMIT +@p</c>, the bound value is an
/// expression the planner does not read, the statement is planned once, and the plans of the hot reads are the same
/// (<c>EXPLAIN QUERY PLAN</c> with the limit as a literal, as the sentinel and as <c>+@p</c>). The unary plus changes no
/// value: the limit is bound as an integer.
/// </summary>
public static partial class SqliteLimits
{
    [GeneratedRegex(@"\b(LIMIT|OFFSET) (@\w+)", RegexOptions.CultureInvariant)]
    private static partial Regex BoundLimitOrOffset();

    /// <summary>The statement with each bare LIMIT and OFFSET parameter written so that SQLite plans it once.</summary>
    public static string PlannedOnce(string sql) => BoundLimitOrOffset().Replace(sql, "$1 +$2");
}

/// <summary>
/// EF Core's own SQLite commands (<see cref="SqliteLimits"/>): Microsoft.Data.Sqlite prepares a command's statement,
/// binds, then steps, and the bind alone made SQLite plan a statement with a bare LIMIT parameter a second time.
/// </summary>
public sealed class SqliteLimitInterceptor : DbCommandInterceptor
{
    public override DbCommand CommandInitialized(CommandEndEventData eventData, DbCommand result)
    {
        result.CommandText = SqliteLimits.PlannedOnce(result.CommandText);
        return result;
    }
}
