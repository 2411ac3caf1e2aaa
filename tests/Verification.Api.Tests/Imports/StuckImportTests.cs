using Hangfire;
using Mediator;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Features.Imports;
using Verification.Api.Infrastructure.Jobs;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Tests.Infrastructure;
using Verification.Api.Tests.Operations;
using Verification.Persistence;

namespace Verification.Api.Tests.Imports;

/// <summary>
/// An upload whose process stopped after the import was committed but before its job was queued leaves an import
/// Queued with no job. The recurring sweep queues its run again, once, and the import then runs as any other.
/// </summary>
public sealed class StuckImportTests
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task An_import_left_Queued_without_a_job_is_queued_again_once_by_the_sweep_and_runs(DatabaseProvider provider)
    {
        // The host the test talks to runs no jobs, so the upload's job stays in the queue where the test can lose it.
        await using var api = await TestApi.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Jobs:RunServer"] = "false",
            ["Imports:RequeueQueuedAfterSeconds"] = "0",
        });
        var investigator = await api.NewPersonAsync("Investigator");
        var file = ImportRowErrorTests.UcdpRows(5, (_, _) => { });
        var id = await Importing.AcceptedAsync(await investigator.Client.UploadAsync(file, "events.csv", new { format = "ucdp-ged-csv" }));

        // The crash between commit and enqueue: the import's job is gone from Hangfire.
        var services = api.Factory.Services;
        var pending = services.GetRequiredService<PendingJobs>();
        var queued = pending.Of<RunImport.Command>();
        Assert.Equal([id], queued.Select(j => j.Command.ImportId));
        Assert.True(services.GetRequiredService<IBackgroundJobClient>().Delete(queued[0].JobId));
        Assert.Empty(pending.Of<RunImport.Command>());

        // Two sweeps: the first queues the run, the second finds it waiting and queues nothing.
        Assert.Equal([id], (await SweepAsync(api)).Requeued);
        Assert.Empty((await SweepAsync(api)).Requeued);
        Assert.Equal([id], pending.Of<RunImport.Command>().Select(j => j.Command.ImportId));
        Assert.Equal("Queued", (await (await investigator.Client.GetAsync($"/api/v1/imports/{id}")).Json()).Str("status"));

        // A second import loses its job the same way, after the sweeps: only the recurring job can bring it back.
        var second = await Importing.AcceptedAsync(await investigator.Client.UploadAsync(
            ImportRowErrorTests.UcdpRows(3, (row, set) => set("id", (900_000 + row).ToString(System.Globalization.CultureInfo.InvariantCulture))),
            "more-events.csv", new { format = "ucdp-ged-csv" }));
        var secondJob = Assert.Single(pending.Of<RunImport.Command>(), j => j.Command.ImportId == second);
        Assert.True(services.GetRequiredService<IBackgroundJobClient>().Delete(secondJob.JobId));

        // A host with a job server picks the run up, as the importer.
        await using var worker = api.Factory.WithWebHostBuilder(b => b.UseSetting("Jobs:RunServer", "true"));
        _ = worker.Server;
        var import = await investigator.Client.FinishedAsync(id);
        Assert.Equal("Succeeded", import.Str("status"));
        Assert.Equal(1, import.Int("attempts"));
        Assert.Equal(5, import.Int("createdClaims"));
        var claims = await investigator.Client.ClaimsOfAsync(id);
        Assert.All(claims, c => Assert.Equal(investigator.Id, c.GetProperty("submittedBy").GetGuid()));

        // The second import has no job, and the worker leaves it Queued until the recurring job, triggered through
        // Hangfire as its schedule would, queues its run again: then it runs to the end, once. The first, finished one
        // is left alone.
        Assert.Equal("Queued", (await (await investigator.Client.GetAsync($"/api/v1/imports/{second}")).Json()).Str("status"));
        worker.Services.GetRequiredService<IRecurringJobManager>().Trigger(RecurringJobs.RequeueStuckImportsId);
        var requeued = await investigator.Client.FinishedAsync(second, timeoutSeconds: 60);
        Assert.Equal("Succeeded", requeued.Str("status"));
        Assert.Equal(1, requeued.Int("attempts"));
        Assert.Equal(3, requeued.Int("createdClaims"));
        // The import commits its end before the worker marks the job succeeded; on a busy machine that takes a moment.
        await Eventually.Until(() => Task.FromResult(pending.Of<RunImport.Command>().Count), count => count == 0,
            "the finished run's job to leave the pending jobs", seconds: 30);
        await using var db = api.Factory.CreateDb();
        Assert.Equal(1, await db.Imports.Where(i => i.Id == id).Select(i => i.Attempts).SingleAsync());
    }

    /// <summary>The sweep's command through the mediator and its behaviours, as the recurring job sends it (as the system).</summary>
    private static async Task<RequeueStuckImports.Result> SweepAsync(TestApi api)
    {
        await using var scope = api.Factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ActingUser>().Actor = JobActor.System;
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(new RequeueStuckImports.Command());
    }
}
