using System.Security.Cryptography;
using Verification.Api.Tests.Infrastructure;
using Verification.Api.Tests.Operations;
using Verification.Persistence;

namespace Verification.Api.Tests.Reliability;

/// <summary>
/// A process killed between placing an upload's bytes and committing its row leaves a stored file that no row names
/// (the crash soak found three). The recurring sweep removes such a file once it is older than the grace period, and
/// never a file a row names or one written within the grace period.
/// </summary>
public sealed class OrphanSweepTests(ProvidersFixture fixture) : IClassFixture<ProvidersFixture>
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task The_sweep_removes_an_old_stored_file_no_row_names_and_keeps_named_and_recent_ones(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var claim = (await investigator.Client.SubmitClaimAsync()).Body.GetProperty("id").GetGuid();
        var named = await investigator.Client.AddFileAsync(claim, Operations.Operations.Bytes($"Named photo {Guid.NewGuid()}"));
        var namedPath = Stored(api, named.GetProperty("sha256").GetString()!);
        var oldOrphan = Place(api, $"left by a killed upload {Guid.NewGuid()}");
        var recentOrphan = Place(api, $"placed a moment ago {Guid.NewGuid()}");
        var longAgo = DateTime.UtcNow.AddHours(-2);
        File.SetLastWriteTimeUtc(namedPath, longAgo);
        File.SetLastWriteTimeUtc(oldOrphan, longAgo);
        var before = RemovedSoFar(await api.ScrapeAsync());

        api.Trigger("sweep-expired");
        await Eventually.Until(() => Task.FromResult(File.Exists(oldOrphan)), exists => !exists, "the sweep to remove the orphaned file", seconds: 60,
            diagnose: api.JobsReport);

        Assert.True(File.Exists(namedPath));
        Assert.True(File.Exists(recentOrphan));
        // The counter moves just after the file goes: read until it shows.
        await Eventually.Until(async () => RemovedSoFar(await api.ScrapeAsync()), removed => removed >= before + 1, "the orphan counter to count it", seconds: 10);
    }

    private static double RemovedSoFar(string scrape) =>
        Operations.Operations.Samples(scrape, "verification_evidence_orphans_removed_total").Sum(s => s.Value);

    private static string Stored(TestApi api, string sha) => Path.Combine(api.Factory.EvidencePath, sha[..2], sha[2..4], sha);

    private static string Place(TestApi api, string text)
    {
        var bytes = Operations.Operations.Bytes(text);
        var path = Stored(api, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
