using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Features.Audit;
using Verification.Api.Infrastructure.Jobs;
using Verification.Api.Tests.Infrastructure;
using Verification.Api.Tests.Partners;
using Verification.Persistence;

namespace Verification.Api.Tests.Operations;

/// <summary>The recurring audit check runs the chain, heads and records checks: a record edited behind the API's back turns ready Degraded.</summary>
[Collection(MetricsCollection.Name)]
public sealed class AuditIntegrityJobTests
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_grade_changed_in_its_table_is_found_by_the_job_and_shows_in_ready_metrics_and_the_log(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider, IntegrityJobTests.FreshMetrics);
        var api = world.Api;
        var claim = await world.FullyEvidencedAsync();
        var intact = await api.RunCheckAsync(RecurringJobs.VerifyAuditChainId, OperationalCheck.AuditChain);
        Assert.True(intact.Passed);
        Assert.Equal(0, Operations.Samples(await api.ScrapeAsync(), "verification_audit_verification_failures_total").Single().Value);

        await using (var db = api.Factory.CreateDb())
            Assert.Equal(1, await db.Database.ExecuteSqlRawAsync(
                "UPDATE \"Evidence\" SET \"SourceReliability\" = 'A' WHERE \"Kind\" = 'Document'"));

        var check = await api.RunCheckAsync(RecurringJobs.VerifyAuditChainId, OperationalCheck.AuditChain);
        Assert.False(check.Passed);
        Assert.Equal(claim.AcceptedEvidence[2], check.FirstFailureId);
        var ready = await api.ReadyAsync();
        Assert.Equal("Degraded", ready.GetProperty("status").GetString());
        Assert.Equal("Degraded", ready.CheckStatus("audit-chain"));
        var scrape = await api.ScrapeAsync();
        Assert.Equal(0, Operations.Samples(scrape, "verification_audit_verification_valid").Single().Value);
        Assert.True(Operations.Samples(scrape, "verification_audit_verification_failures_total").Single().Value >= 1);
    }

    [Fact]
    public async Task The_recurring_job_signs_a_head_only_when_the_log_grew()
    {
        await using var world = await PartnerWorld.StartAsync(DatabaseProvider.Sqlite);
        async Task<SignTreeHead.Result> RunJobCommand()
        {
            // The command the recurring job sends, sent as the job would, in a scope of its own.
            await using var scope = world.Api.Factory.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<ISender>().Send(new SignTreeHead.Command(OnlyWhenGrown: true));
        }

        var first = (await RunJobCommand()).Head;
        Assert.NotNull(first);
        await using (var db = world.Api.Factory.CreateDb())
            Assert.Equal(await db.AuditEntries.LongCountAsync(), first.TreeSize);
        Assert.Null((await RunJobCommand()).Head);
        await world.Investigator.Client.SubmitClaimAsync();
        Assert.Equal(first.TreeSize + 1, (await RunJobCommand()).Head?.TreeSize);
        await using (var db = world.Api.Factory.CreateDb())
            Assert.Equal([first.TreeSize, first.TreeSize + 1], await db.SignedTreeHeads.Select(h => h.TreeSize).OrderBy(s => s).ToListAsync());
    }
}
