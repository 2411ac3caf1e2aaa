using System.Data.Common;
using System.Net;
using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SQLitePCL;
using Verification.Api.Features.Claims;
using Verification.Api.Features.Partners;
using Verification.Api.Infrastructure.Persistence;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.ReadModel;

/// <summary>
/// SQLite plans a statement with a bare <c>LIMIT @p</c> again each time the parameter is bound, which made every
/// prepared read parse and plan its statement on every request; <see cref="SqliteLimitSqlGeneratorFactory"/> writes the limit so that it
/// is planned once, in the prepared reads and in EF Core's own commands, and on SQLite only.
/// </summary>
public sealed class SqliteLimitTests
{
    private const int StatementReprepares = 5; // SQLITE_STMTSTATUS_REPREPARE

    [Fact]
    public void SQLite_plans_a_bare_limit_parameter_again_on_every_bind_and_the_rewritten_limit_once_with_the_same_rows()
    {
        Batteries_V2.Init();
        var file = Path.Combine(Path.GetTempPath(), $"limits-{Guid.NewGuid():N}.db");
        Assert.Equal(raw.SQLITE_OK, raw.sqlite3_open(file, out var db));
        try
        {
            Assert.Equal(raw.SQLITE_OK, raw.sqlite3_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER); CREATE INDEX ix ON t (n);" +
                "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 100) INSERT INTO t SELECT i, i FROM s;"));
            const string bare = "SELECT id FROM t ORDER BY n DESC LIMIT @take OFFSET @skip";
            const string rewritten = "SELECT id FROM t ORDER BY n DESC LIMIT +@take OFFSET +@skip";

            var (bareRows, bareReprepares) = RunFiveTimes(db, bare);
            var (rewrittenRows, rewrittenReprepares) = RunFiveTimes(db, rewritten);
            // The premise: if a later SQLite stops doing this, the rewrite is moot and this says so.
            Assert.True(bareReprepares >= 4, $"SQLite re-prepared the bare statement {bareReprepares} times in 5 runs.");
            Assert.Equal(0, rewrittenReprepares);
            Assert.Equal(bareRows, rewrittenRows);
            Assert.Equal([100, 99, 98, 97, 96, 95], rewrittenRows[^1]);
        }
        finally
        {
            raw.sqlite3_close_v2(db);
            File.Delete(file);
        }
    }

    private static (List<int[]> Rows, int Reprepares) RunFiveTimes(sqlite3 db, string sql)
    {
        Assert.Equal(raw.SQLITE_OK, raw.sqlite3_prepare_v2(db, sql, out var statement));
        var rows = new List<int[]>();
        try
        {
            for (var take = 2; take <= 6; take++)
            {
                raw.sqlite3_bind_int(statement, raw.sqlite3_bind_parameter_index(statement, "@take"), take);
                raw.sqlite3_bind_int(statement, raw.sqlite3_bind_parameter_index(statement, "@skip"), 0);
                var ids = new List<int>();
                while (raw.sqlite3_step(statement) == raw.SQLITE_ROW)
                    ids.Add(raw.sqlite3_column_int(statement, 0));
                raw.sqlite3_reset(statement);
                rows.Add([.. ids]);
            }
            return (rows, raw.sqlite3_stmt_status(statement, StatementReprepares, 0));
        }
        finally
        {
            raw.sqlite3_finalize(statement);
        }
    }

    [Fact]
    public async Task EF_Core_writes_each_limit_and_offset_parameter_with_a_plus_on_SQLite_and_nothing_else()
    {
        await using var api = await TestApi.StartAsync(DatabaseProvider.Sqlite);
        await using var scope = api.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
        var (skip, take, inner, number) = (3, 7, 11, 5L);
        // A limit inside a subquery, a skip and a take on the outer query, and a parameter outside any limit.
        var query = db.Claims.Where(c => c.Number > number).OrderBy(c => c.Number).Take(inner)
            .OrderByDescending(c => c.Number).Skip(skip).Take(take).Select(c => c.Id);
        using var command = query.CreateDbCommand();
        var sql = command.CommandText;

        Assert.DoesNotMatch(@"\b(LIMIT|OFFSET) @", sql);
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(sql, @"\b(LIMIT|OFFSET) \+@"));
        Assert.Matches(@"> @\w+", sql);
        // The same rows as without the plus: none here, and the statement runs.
        Assert.Empty(await query.ToListAsync());
    }

    [Fact]
    public async Task Every_prepared_read_on_SQLite_plans_its_limit_once()
    {
        await using var api = await TestApi.StartAsync(DatabaseProvider.Sqlite);
        await using var scope = api.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
        var statements = new List<PreparedQuery>
        {
            GetClaimDocument.PrepareAnyClaim(db),
            GetClaimDocument.PrepareClaimOfInvestigator(db),
            ListClaimDocuments.Handler.PrepareNewest(db, Sentinel.Take),
            PartnerKeys.Prepare(db),
        };
        statements.AddRange(PartnerClaimReader.PreparedNames.Select(name => PartnerClaimReader.Prepare(db, name, Sentinel.Take)));
        try
        {
            Assert.All(statements, s => Assert.DoesNotMatch(@"\b(LIMIT|OFFSET) @", s.Sql));
            // The reads with a limit at all (the one-claim reads, the pages) have it planned once.
            Assert.True(statements.Count(s => s.Sql.Contains("LIMIT +@", StringComparison.Ordinal)) >= 4);
        }
        finally
        {
            statements.ForEach(s => s.Dispose());
        }
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task EF_Core_commands_have_their_limits_planned_once_on_SQLite_and_left_alone_elsewhere(DatabaseProvider provider)
    {
        var seen = new CommandTexts();
        await using var api = await TestApi.StartAsync(provider, services: s => s.AddSingleton<IInterceptor>(seen));
        var reviewer = await api.NewPersonAsync("Reviewer");
        var investigator = await api.NewPersonAsync("Investigator");
        await investigator.Client.SubmitClaimAsync();
        await investigator.Client.SubmitClaimAsync();

        // A filtered list page goes through EF Core (not a prepared read): its page size is a LIMIT parameter.
        var page = await reviewer.Client.GetAsync("/api/v1/claims?status=Submitted&limit=1");
        await Expect.Status(page, HttpStatusCode.OK);
        Assert.Single((await page.Json()).GetProperty("items").EnumerateArray());

        var limited = seen.Texts.Where(t => t.Contains("LIMIT", StringComparison.Ordinal) && t.Contains("@", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(limited);
        if (provider == DatabaseProvider.Sqlite)
            Assert.All(limited, t => Assert.DoesNotMatch(@"\b(LIMIT|OFFSET) @", t));
        else
            Assert.Contains(limited, t => t.Contains("LIMIT @", StringComparison.Ordinal));
    }

    /// <summary>Records each command's text as it is sent (after every interceptor registered before it).</summary>
    private sealed class CommandTexts : DbCommandInterceptor
    {
        public ConcurrentQueue<string> Texts { get; } = new();

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Texts.Enqueue(command.CommandText);
            return ValueTask.FromResult(result);
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Texts.Enqueue(command.CommandText);
            return result;
        }
    }
}
