using System.Text.RegularExpressions;
using Verification.Api.Infrastructure.Jobs;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Operations;

[Collection(MetricsCollection.Name)]
public sealed partial class MetricsTests
{
    [Fact]
    public async Task Metrics_carry_counts_and_timings_and_never_an_identifier_a_name_or_content()
    {
        await using var api = await TestApi.StartAsync(DatabaseProvider.Sqlite, IntegrityJobTests.FreshMetrics);
        var investigator = await api.NewPersonAsync("Investigator");
        var (claim, _) = await investigator.Client.SubmitClaimAsync();
        var claimId = claim.GetProperty("id").GetGuid();
        await Expect.Status(await investigator.Client.GetAsync($"/api/v1/claims/{claimId}"), System.Net.HttpStatusCode.OK);
        var bytes = Operations.Bytes("Drone debris photographed at the camp gate");
        var evidence = await investigator.Client.AddFileAsync(claimId, bytes, title: "Debris at the gate");
        await api.RunCheckAsync(RecurringJobs.VerifyAuditChainId, OperationalCheck.AuditChain);
        await api.RunCheckAsync(RecurringJobs.EvidenceFixityId, OperationalCheck.EvidenceFixity);

        var scrape = await api.ScrapeAsync();

        // Request duration by route pattern, with the pattern's placeholder where the id was.
        Assert.Contains(Operations.Samples(scrape, "http_server_request_duration_seconds_count"),
            s => s.Labels.Contains("http_route=\"/api/v1/claims/{id:guid}\"") && s.Labels.Contains("http_request_method=\"GET\""));
        Assert.NotEmpty(Operations.Samples(scrape, "http_server_active_requests"));
        // Not the framework's per-request counters that nobody reads (OperationsSetup.AspNetCoreMeters): each would be
        // one more instrument update on every request.
        foreach (var unread in new[] { "aspnetcore_routing_match_attempts_total", "aspnetcore_authorization_attempts_total", "aspnetcore_authentication_authenticate_duration_seconds_count" })
            Assert.Empty(Operations.Samples(scrape, unread));
        Assert.Contains(Operations.Samples(scrape, "verification_claims"), s => s.Labels.Contains("stage=\"Submitted\"") && s.Value >= 1);
        Assert.True(Operations.Samples(scrape, "verification_evidence_stored_bytes").Single().Value >= bytes.Length);
        foreach (var metric in new[]
                 {
                     "verification_webhook_deliveries_total", "verification_webhook_failures_total", "verification_evidence_fixity_failures_total",
                     "verification_evidence_fixity_failing", "verification_audit_verification_valid", "verification_audit_verification_age_seconds",
                 })
            Assert.NotEmpty(Operations.Samples(scrape, metric));

        foreach (var secret in new[]
                 {
                     claimId.ToString(), evidence.GetProperty("id").GetString()!, investigator.Id.ToString(), investigator.Email,
                     ApiFactory.CoordinatorEmail, claim.GetProperty("title").GetString()!, claim.GetProperty("reference").GetString()!,
                     "Debris at the gate", "Wagner",
                 })
            Assert.DoesNotContain(secret, scrape, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(AnyGuid(), scrape);
        Assert.DoesNotContain("@", scrape);
    }

    [Fact]
    public async Task Counts_are_read_from_the_database_at_most_once_per_cache_period()
    {
        await using var api = await TestApi.StartAsync(DatabaseProvider.Sqlite);
        var investigator = await api.NewPersonAsync("Investigator");
        await investigator.Client.SubmitClaimAsync();
        var before = Operations.Samples(await api.ScrapeAsync(), "verification_claims").Single(s => s.Labels.Contains("stage=\"Submitted\"")).Value;
        await investigator.Client.SubmitClaimAsync();
        await Task.Delay(1000); // past the exporter's own short response cache
        var after = Operations.Samples(await api.ScrapeAsync(), "verification_claims").Single(s => s.Labels.Contains("stage=\"Submitted\"")).Value;
        Assert.Equal(1, before);
        Assert.Equal(before, after);
    }

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex AnyGuid();
}
