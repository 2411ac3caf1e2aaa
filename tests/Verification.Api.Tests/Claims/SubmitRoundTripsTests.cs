using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;
using Xunit.Abstractions;

namespace Verification.Api.Tests.Claims;

/// <summary>
/// What one submission costs the database inside its transaction (on SQLite, inside the one-writer gate): every command
/// EF Core sends, every savepoint it creates and releases, and the commit. The count is pinned so that a change that
/// adds a read-back or a save to the write path shows up here, and the submission still leaves its audit entry, its
/// record state, its stored document and its search text (the other tests prove they are right).
/// </summary>
public sealed class SubmitRoundTripsTests(ITestOutputHelper output)
{
    /// <summary>
    /// At most this many round trips from BEGIN to COMMIT for one submission (docs/performance-changes.md; 27 on SQLite and
    /// 25 on PostgreSQL before the claims were read back once). EF Core's SQLite provider sends each INSERT as its own
    /// command (in process, no network); Npgsql batches a save's INSERTs into one.
    /// </summary>
    private static int MaxRoundTrips(DatabaseProvider provider) => provider == DatabaseProvider.Sqlite ? 10 : 6;

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_submission_costs_a_fixed_small_number_of_round_trips(DatabaseProvider provider)
    {
        var counter = new RoundTripCounter();
        await using var api = await TestApi.StartAsync(provider, services: s => s.AddSingleton<IInterceptor>(counter));
        var investigator = (await api.NewPersonAsync("Investigator")).Client;
        await investigator.SubmitClaimAsync(); // warm-up: compiled queries, first-use paths

        counter.Clear();
        var (claim, _) = await investigator.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();

        var submission = counter.Transactions().Single(t => t.Any(c => c.Contains("INSERT INTO \"Claims\"", StringComparison.Ordinal)));
        output.WriteLine($"{provider}: {submission.Count} round trips in the submission's transaction");
        foreach (var command in submission)
            output.WriteLine("  " + command.ReplaceLineEndings(" ")[..Math.Min(160, command.ReplaceLineEndings(" ").Length)]);
        Assert.True(submission.Count <= MaxRoundTrips(provider), $"{submission.Count} round trips:\n{string.Join("\n", submission)}");

        // Everything a submission must leave was written in that transaction.
        Assert.Contains(submission, c => c.Contains("INSERT INTO \"AuditEntries\"", StringComparison.Ordinal));
        Assert.Contains(submission, c => c.Contains("INSERT INTO \"AuditRecordStates\"", StringComparison.Ordinal));
        Assert.Contains(submission, c => c.Contains("INSERT INTO \"ClaimDocuments\"", StringComparison.Ordinal));
        Assert.Contains(submission, c => c.Contains("INSERT INTO \"ClaimSearch\"", StringComparison.Ordinal));
        var coordinator = await api.CoordinatorAsync();
        var read = await coordinator.GetAsync($"/api/v1/claims/{id}");
        await Expect.Status(read, System.Net.HttpStatusCode.OK);
    }

    /// <summary>Commands, savepoints and commits, grouped by the transaction they ran in.</summary>
    private sealed class RoundTripCounter : DbCommandInterceptor, IDbTransactionInterceptor
    {
        private readonly ConcurrentDictionary<DbTransaction, ConcurrentQueue<string>> _open = new();
        private readonly ConcurrentQueue<List<string>> _done = new();

        public void Clear()
        {
            _open.Clear();
            _done.Clear();
        }

        public List<List<string>> Transactions() => [.. _done];

        private void Add(DbTransaction? transaction, string what)
        {
            if (transaction is not null && _open.TryGetValue(transaction, out var commands))
                commands.Enqueue(what);
        }

        public override DbCommand CommandInitialized(CommandEndEventData eventData, DbCommand result) => result;

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Add(command.Transaction, command.CommandText);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Add(command.Transaction, command.CommandText);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            Add(command.Transaction, command.CommandText);
            return ValueTask.FromResult(result);
        }

        public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result,
            CancellationToken cancellationToken = default)
        {
            _open[result] = new ConcurrentQueue<string>(["BEGIN"]);
            return ValueTask.FromResult(result);
        }

        public ValueTask<InterceptionResult> CreatingSavepointAsync(DbTransaction transaction, TransactionEventData eventData,
            InterceptionResult result, CancellationToken cancellationToken = default)
        {
            Add(transaction, "SAVEPOINT");
            return ValueTask.FromResult(result);
        }

        public ValueTask<InterceptionResult> ReleasingSavepointAsync(DbTransaction transaction, TransactionEventData eventData,
            InterceptionResult result, CancellationToken cancellationToken = default)
        {
            Add(transaction, "RELEASE SAVEPOINT");
            return ValueTask.FromResult(result);
        }

        public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            if (_open.TryRemove(transaction, out var commands))
                _done.Enqueue([.. commands, "COMMIT"]);
            return Task.CompletedTask;
        }
    }
}
