using System.Net;
using System.Security.Cryptography;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Features.Audit;
using Verification.Api.Infrastructure.Jobs;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Operations;

/// <summary>Two API instances behind a load balancer: one PostgreSQL database, one shared evidence folder, the same key files.</summary>
public sealed class TwoInstancesTests
{
    [Fact]
    public async Task Two_instances_share_keys_job_storage_and_evidence_keep_one_audit_chain_and_run_a_recurring_job_once()
    {
        await using var first = await TestApi.StartAsync(DatabaseProvider.PostgreSql);
        await using var second = await first.AnotherInstanceAsync();

        // A token issued by one instance is accepted by the other (Data Protection keys in the shared database).
        var investigator = await first.NewPersonAsync("Investigator");
        var investigatorOnSecond = second.Factory.CreateClient();
        investigatorOnSecond.DefaultRequestHeaders.Authorization = investigator.Client.DefaultRequestHeaders.Authorization;
        var (claim, _) = await investigatorOnSecond.SubmitClaimAsync();
        var claimId = claim.GetProperty("id").GetGuid();

        // A witness encrypted by one instance is read by the other; a file stored by one is served by the other.
        var testimony = (await investigator.Client.AddTestimonyAsync(claimId, "Two drones passed over at 1 a.m.", "Witness of the north gate")).GetProperty("id").GetGuid();
        var bytes = Operations.Bytes("Video still of the strike, frame 412");
        var file = (await investigator.Client.AddFileAsync(claimId, bytes)).GetProperty("id").GetGuid();
        var coordinatorOnSecond = await second.CoordinatorAsync();
        var read = await coordinatorOnSecond.GetAsync($"/api/v1/evidence/{testimony}");
        await Expect.Status(read, HttpStatusCode.OK);
        Assert.Equal("Witness of the north gate", (await read.Json()).GetProperty("testimony").GetProperty("witness").GetProperty("name").GetString());
        var content = await coordinatorOnSecond.GetAsync($"/api/v1/evidence/{file}/content");
        await Expect.Status(content, HttpStatusCode.OK);
        Assert.Equal(SHA256.HashData(bytes), SHA256.HashData(await content.Content.ReadAsByteArrayAsync()));

        // Concurrent writes to both instances keep one unbroken audit chain.
        var writes = Enumerable.Range(0, 10).SelectMany(_ => new[] { investigator.Client, investigatorOnSecond })
            .Select(client => client.SubmitClaimAsync());
        await Task.WhenAll(writes);
        var verify = await (await coordinatorOnSecond.GetAsync("/api/v1/audit/verify")).Json();
        var head = await (await (await first.CoordinatorAsync()).PostAsync("/api/v1/audit/heads", null)).Json();
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.ToString());
        Assert.Equal(head.GetProperty("treeSize").GetInt64(), verify.GetProperty("checked").GetInt64());

        // One job storage: both instances see the same single set of recurring jobs.
        string[] expected = ["deliver-notifications", "deliver-webhooks", "evidence-fixity", "flag-possible-duplicates", "mark-overdue-work",
            "rebuild-claim-search", "requeue-stuck-imports", "sign-tree-head", "sweep-expired", "verify-audit-chain"];
        Assert.Equal(expected, RecurringJobIds(first));
        Assert.Equal(expected, RecurringJobIds(second));

        // Both instances run a Hangfire server; a recurring job that falls due runs once, not once per instance.
        var since = DateTime.UtcNow;
        first.Factory.Services.GetRequiredService<IRecurringJobManager>()
            .ScheduleCommand(RecurringJobs.VerifyAuditChainId, new CheckAuditChain.Command(), "* * * * *");
        await Eventually.Until(() => Task.FromResult(AuditChainJobs(first, since)), jobs => jobs.Succeeded >= 1,
            "the every-minute audit check to run", seconds: 100, diagnose: first.JobsReport);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var runs = AuditChainJobs(second, since);
        Assert.Equal(1, runs.Succeeded);
        Assert.Equal(0, runs.Pending);
    }

    private static string[] RecurringJobIds(TestApi api)
    {
        using var connection = api.Factory.Services.GetRequiredService<JobStorage>().GetConnection();
        return [.. connection.GetRecurringJobs().Select(j => j.Id).Order()];
    }

    /// <summary>The audit-check jobs created since <paramref name="since"/>: finished, and still queued or running.</summary>
    private static (int Succeeded, int Pending) AuditChainJobs(TestApi api, DateTime since)
    {
        var monitor = api.Factory.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        static bool IsAuditCheck(Hangfire.Common.Job? job) => job?.Args.FirstOrDefault() is CheckAuditChain.Command;
        var succeeded = monitor.SucceededJobs(0, 100).Count(j => IsAuditCheck(j.Value.Job) && j.Value.SucceededAt >= since);
        var pending = monitor.ProcessingJobs(0, 100).Count(j => IsAuditCheck(j.Value.Job))
                      + monitor.EnqueuedJobs("default", 0, 100).Count(j => IsAuditCheck(j.Value.Job));
        return (succeeded, pending);
    }
}
