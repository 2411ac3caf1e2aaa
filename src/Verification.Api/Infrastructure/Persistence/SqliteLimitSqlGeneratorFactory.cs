using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Query.SqlExpressions;
#pragma warning disable EF1001 // SQLite's SQL generator is public but "internal": the hook below is its documented override point.
using Microsoft.EntityFrameworkCore.Sqlite.Query.Internal;

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
/// <remarks>
/// The plus is written where EF Core writes the limit, so a query's SQL gets it once, when EF Core generates and caches
/// the command, and every path that takes its SQL from EF Core (its own commands, <see cref="PreparedQuery"/>) has it
/// without a rewrite of its own.
/// </remarks>
public sealed class SqliteLimitSqlGeneratorFactory(QuerySqlGeneratorDependencies dependencies) : IQuerySqlGeneratorFactory
{
    public QuerySqlGenerator Create() => new SqliteLimitSqlGenerator(dependencies);

    private sealed class SqliteLimitSqlGenerator(QuerySqlGeneratorDependencies dependencies) : SqliteQuerySqlGenerator(dependencies)
    {
        private int _inLimitOrOffset;

        protected override void GenerateLimitOffset(SelectExpression selectExpression)
        {
            _inLimitOrOffset++;
            try
            {
                base.GenerateLimitOffset(selectExpression);
            }
            finally
            {
                _inLimitOrOffset--;
            }
        }

        protected override Expression VisitSqlParameter(SqlParameterExpression sqlParameterExpression)
        {
            if (_inLimitOrOffset > 0)
                Sql.Append("+");
            return base.VisitSqlParameter(sqlParameterExpression);
        }

        // A subquery inside a limit (rare, but legal) writes its own parameters as usual, except its own limit.
        protected override Expression VisitSelect(SelectExpression selectExpression)
        {
            var outer = _inLimitOrOffset;
            _inLimitOrOffset = 0;
            try
            {
                return base.VisitSelect(selectExpression);
            }
            finally
            {
                _inLimitOrOffset = outer;
            }
        }
    }
}
