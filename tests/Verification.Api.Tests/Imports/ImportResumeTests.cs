using Mediator;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Features.Imports;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Imports;

/// <summary>
/// A process that stops in the middle of an import (here: a host shut down while a batch is in flight) leaves the
/// committed batches and nothing of the one in flight; the next process resumes after the last committed row, and
/// the claims end up exactly once each.
/// </summary>
public sealed class ImportResumeTests
{
    private const int BatchSize = 50;

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task An_import_cut_off_mid_run_resumes_in_the_next_process_without_duplicates(DatabaseProvider provider)
    {
        // The host the test talks to runs no jobs; the two below run them, one after the other, on the same database.
        await using var api = await TestApi.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Jobs:RunServer"] = "false",
            ["Imports:BatchSize"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var investigator = await api.NewPersonAsync("Investigator");

        var stall = new StallOnBatch(3);
        var first = RunningJobs(api, services => services.AddSingleton<IPipelineBehavior<ImportClaims.Command, ImportClaims.Result>>(stall));
        _ = first.Server;
        var id = await investigator.Client.StartImportAsync(Importing.UcdpCsv, new { format = "ucdp-ged-csv" });
        await stall.Reached.WaitAsync(TimeSpan.FromSeconds(120));

        var cutOff = await (await investigator.Client.GetAsync($"/api/v1/imports/{id}")).Json();
        Assert.Equal("Running", cutOff.Str("status"));
        Assert.Equal(2 * BatchSize, cutOff.Int("processedRows"));
        Assert.Equal(2 * BatchSize, cutOff.Int("createdClaims"));

        // The process goes away with the third batch in flight: its transaction never commits.
        await first.DisposeAsync();
        Assert.Equal(2 * BatchSize, (await investigator.Client.ClaimsOfAsync(id)).Count);

        await using var second = RunningJobs(api, _ => { });
        _ = second.Server;
        var import = await investigator.Client.FinishedAsync(id);

        Assert.Equal("Succeeded", import.Str("status"));
        // One resume is the rule; on a loaded machine the resumed run may itself be retried once (its first try can
        // time out on the database the dying process was writing). What must hold either way: no row twice, none lost.
        Assert.InRange(import.Int("attempts"), 2, 3);
        Assert.Equal(Importing.UcdpEvents, import.Int("processedRows"));
        Assert.Equal(Importing.UcdpEvents, import.Int("createdClaims") + import.Int("skippedRows") + import.Int("failedRows"));
        var claims = await investigator.Client.ClaimsOfAsync(id);
        Assert.Equal(import.Int("createdClaims"), claims.Count);
        Assert.Equal(claims.Count, claims.Select(c => c.Str("externalId")).Distinct().Count());
    }

    /// <summary>A second host on the same database and evidence store, with its job server on.</summary>
    private static WebApplicationFactory<Program> RunningJobs(TestApi api, Action<IServiceCollection> services) =>
        api.Factory.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Jobs:RunServer", "true");
            builder.ConfigureTestServices(services);
        });

    /// <summary>Lets batches through until the n-th, then holds it (inside its transaction) until the host stops.</summary>
    private sealed class StallOnBatch(int stallAt) : IPipelineBehavior<ImportClaims.Command, ImportClaims.Result>
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _seen;

        public Task Reached => _reached.Task;

        public async ValueTask<ImportClaims.Result> Handle(ImportClaims.Command message,
            MessageHandlerDelegate<ImportClaims.Command, ImportClaims.Result> next, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _seen) >= stallAt)
            {
                _reached.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            return await next(message, cancellationToken);
        }
    }
}
