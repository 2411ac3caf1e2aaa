using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Infrastructure.Jobs;
using Verification.Api.Infrastructure.Storage;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Operations;

/// <summary>The recurring integrity checks, run through Hangfire on each provider: the audit chain walk and evidence fixity.</summary>
[Collection(MetricsCollection.Name)]
public sealed class IntegrityJobTests
{
    /// <summary>Metrics read the database on every scrape here, so a scrape right after a job shows its result.</summary>
    internal static readonly Dictionary<string, string?> FreshMetrics = new() { ["Metrics:CacheSeconds"] = "0" };

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task The_audit_job_finds_an_intact_chain_and_ready_stays_healthy(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider, FreshMetrics);
        var investigator = await api.NewPersonAsync("Investigator");
        await investigator.Client.SubmitClaimAsync();

        var check = await api.RunCheckAsync(RecurringJobs.VerifyAuditChainId, OperationalCheck.AuditChain);
        Assert.True(check.Passed);
        Assert.True(check.Checked >= 2, $"every entry so far is walked, got {check.Checked}");
        Assert.Null(check.FirstFailureId);

        var ready = await api.ReadyAsync();
        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
        foreach (var name in new[] { "database", "job-storage", "audit-chain", "evidence-fixity" })
            Assert.Equal("Healthy", ready.CheckStatus(name));
        var scrape = await api.ScrapeAsync();
        Assert.Equal(1, Operations.Samples(scrape, "verification_audit_verification_valid").Single().Value);
        Assert.InRange(Operations.Samples(scrape, "verification_audit_verification_age_seconds").Single().Value, 0, 120);
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_tampered_audit_entry_is_found_by_the_job_and_shows_in_ready_and_metrics(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider, FreshMetrics);
        var investigator = await api.NewPersonAsync("Investigator");
        await investigator.Client.SubmitClaimAsync();
        Guid tampered;
        await using (var db = api.Factory.CreateDb())
        {
            tampered = await db.AuditEntries.Where(a => a.Sequence == 1).Select(a => a.Id).SingleAsync();
            // Someone with database access rewrites who did something.
            Assert.Equal(1, await db.AuditEntries.Where(a => a.Sequence == 1).ExecuteUpdateAsync(s => s.SetProperty(a => a.Actor, "user:someone-else")));
        }

        var check = await api.RunCheckAsync(RecurringJobs.VerifyAuditChainId, OperationalCheck.AuditChain);
        Assert.False(check.Passed);
        Assert.Equal(tampered, check.FirstFailureId);

        var ready = await api.ReadyAsync();
        Assert.Equal("Degraded", ready.GetProperty("status").GetString());
        Assert.Equal("Degraded", ready.CheckStatus("audit-chain"));
        Assert.Equal("Healthy", ready.CheckStatus("database"));
        Assert.DoesNotContain(tampered.ToString(), ready.ToString());
        Assert.Equal(0, Operations.Samples(await api.ScrapeAsync(), "verification_audit_verification_valid").Single().Value);
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task The_fixity_job_confirms_intact_evidence_with_a_custody_event(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider, FreshMetrics);
        var investigator = await api.NewPersonAsync("Investigator");
        var (claim, _) = await investigator.Client.SubmitClaimAsync();
        var claimId = claim.GetProperty("id").GetGuid();
        var file = (await investigator.Client.AddFileAsync(claimId, Operations.Bytes("Satellite image notes, Kidal, 30 March 2024"))).GetProperty("id").GetGuid();
        var testimony = (await investigator.Client.AddTestimonyAsync(claimId, "I heard two explosions after midnight.", "A. Witness")).GetProperty("id").GetGuid();

        var check = await api.RunCheckAsync(RecurringJobs.EvidenceFixityId, OperationalCheck.EvidenceFixity);
        Assert.True(check.Passed);
        Assert.Equal(2, check.Checked);

        var coordinator = await api.CoordinatorAsync();
        Assert.Equal(["Intake", "FixityChecked"], await coordinator.CustodyActionsAsync(file));
        Assert.Equal(["Intake", "FixityChecked"], await coordinator.CustodyActionsAsync(testimony));
        Assert.Equal("Healthy", (await api.ReadyAsync()).CheckStatus("evidence-fixity"));
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Changed_or_missing_evidence_bytes_are_found_and_clear_once_put_back(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider, FreshMetrics);
        var investigator = await api.NewPersonAsync("Investigator");
        var (claim, _) = await investigator.Client.SubmitClaimAsync();
        var claimId = claim.GetProperty("id").GetGuid();
        var changedBytes = Operations.Bytes("Photo of the crater, east of the camp");
        var missingBytes = Operations.Bytes("Hospital admission list, 30 March 2024");
        var changed = await investigator.Client.AddFileAsync(claimId, changedBytes);
        var missing = await investigator.Client.AddFileAsync(claimId, missingBytes);
        var store = api.Factory.Services.GetRequiredService<EvidenceStore>();
        var changedPath = store.PathFor(changed.GetProperty("sha256").GetString()!);
        var missingPath = store.PathFor(missing.GetProperty("sha256").GetString()!);
        await File.WriteAllBytesAsync(changedPath, Operations.Bytes("Photo of the crater, west of the camp"));
        File.Delete(missingPath);

        var check = await api.RunCheckAsync(RecurringJobs.EvidenceFixityId, OperationalCheck.EvidenceFixity);
        Assert.False(check.Passed);
        Assert.Equal(2, check.Failures);
        var coordinator = await api.CoordinatorAsync();
        Assert.Equal("FixityFailed", (await coordinator.CustodyActionsAsync(changed.GetProperty("id").GetGuid()))[^1]);
        Assert.Equal("FixityFailed", (await coordinator.CustodyActionsAsync(missing.GetProperty("id").GetGuid()))[^1]);
        var ready = await api.ReadyAsync();
        Assert.Equal("Degraded", ready.GetProperty("status").GetString());
        Assert.Equal("Degraded", ready.CheckStatus("evidence-fixity"));
        var scrape = await api.ScrapeAsync();
        Assert.True(Operations.Samples(scrape, "verification_evidence_fixity_failures_total").Single().Value >= 2);
        Assert.Equal(2, Operations.Samples(scrape, "verification_evidence_fixity_failing").Single().Value);

        // The operator puts the original bytes back (from a backup); the next round finds them intact.
        await File.WriteAllBytesAsync(changedPath, changedBytes);
        await File.WriteAllBytesAsync(missingPath, missingBytes);
        var again = await api.RunCheckAsync(RecurringJobs.EvidenceFixityId, OperationalCheck.EvidenceFixity);
        Assert.True(again.Passed);
        Assert.Equal("Healthy", (await api.ReadyAsync()).GetProperty("status").GetString());
        Assert.Equal("FixityChecked", (await coordinator.CustodyActionsAsync(missing.GetProperty("id").GetGuid()))[^1]);
    }

    [Fact]
    public async Task Ready_answers_each_check_and_live_stays_a_bare_process_check()
    {
        await using var api = await TestApi.StartAsync(DatabaseProvider.Sqlite);
        var ready = await api.ReadyAsync();
        Assert.Equal(["audit-chain", "claim-documents", "database", "evidence-fixity", "job-storage"],
            ready.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()).Order());
        var live = await api.Anonymous.GetAsync("/health/live");
        await Expect.Status(live, HttpStatusCode.OK);
        Assert.Equal("Healthy", await live.Content.ReadAsStringAsync());
    }
}
