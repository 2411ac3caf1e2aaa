using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Tests.Foundation;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;
using Xunit.Abstractions;

namespace Verification.Api.Tests.Evidence;

/// <summary>
/// The API as a real process under the worst an upload can meet: killed with SIGKILL halfway through, and a file
/// far larger than memory should ever hold. Uploads come from generated streams, never from a file in memory.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private const long MiB = 1024 * 1024;
    private const string InvestigatorEmail = "investigator@crash.test";
    private readonly string _folder = AuthTests.TempFolder();

    private string EvidencePath => Path.Combine(_folder, "evidence");
    private string TemporaryFolder => Path.Combine(EvidencePath, ".tmp");
    private string ConnectionString => $"Data Source={Path.Combine(_folder, "verification.db")}";

    [Fact]
    public async Task An_upload_cut_by_SIGKILL_leaves_no_evidence_and_its_temporary_file_is_swept_at_the_next_start()
    {
        Guid claimId;
        await using (var api = await StartAsync())
        {
            var investigator = await PrepareInvestigatorAsync(api);
            var (claim, _) = await investigator.SubmitClaimAsync();
            claimId = claim.GetProperty("id").GetGuid();

            var resume = new TaskCompletionSource();
            var body = new GeneratedStream(200 * MiB, pauseAfter: 50 * MiB, resume.Task);
            var upload = investigator.PostAsync($"/api/v1/claims/{claimId}/evidence", Upload(body, "video/mp4"));
            var partial = await WaitForTemporaryFileAsync(minimumBytes: 40 * MiB, TimeSpan.FromSeconds(120), upload);
            output.WriteLine($"killing the API with {new FileInfo(partial).Length / MiB} MiB of {200} received");

            await api.KillAsync();
            Assert.NotEqual(0, api.Process.ExitCode);
            Assert.True(File.Exists(partial), "the interrupted upload's temporary file should still be there after SIGKILL");
            resume.SetResult();
            var failed = await Record.ExceptionAsync(() => upload.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.True(failed is HttpRequestException or IOException or TaskCanceledException, $"the client should see the connection die, saw: {failed}");
        }

        await using (var api = await StartAsync())
        {
            Assert.Empty(Directory.EnumerateFiles(TemporaryFolder));
            Assert.Contains("Swept 1 temporary evidence files", api.Output);

            using var investigator = await SignInAsync(api, InvestigatorEmail);
            var listed = await (await investigator.GetAsync($"/api/v1/claims/{claimId}/evidence")).Json();
            Assert.Empty(listed.GetProperty("items").EnumerateArray());

            // The store works after the crash, and the check below has a row to look at.
            var bytes = RandomNumberGenerator.GetBytes(100_000);
            var content = new MultipartFormDataContent
            {
                { new StringContent("""{"kind":"Photo","stance":"Supports"}""", Encoding.UTF8, "application/json"), "metadata" },
                { new ByteArrayContent(bytes), "file", "after.jpg" },
            };
            await Expect.Status(await investigator.PostAsync($"/api/v1/claims/{claimId}/evidence", content), HttpStatusCode.Created);

            await using var db = new VerificationDb(new DbContextOptionsBuilder<VerificationDb>().UseVerificationDatabase(DatabaseProvider.Sqlite, ConnectionString).Options);
            var rows = await db.Evidence.Where(e => e.HasContent).Select(e => new { e.Id, e.Sha256, e.SizeBytes }).ToListAsync();
            Assert.NotEmpty(rows);
            foreach (var row in rows)
            {
                var path = Path.Combine(EvidencePath, row.Sha256[..2], row.Sha256[2..4], row.Sha256);
                Assert.True(File.Exists(path), $"evidence {row.Id} has no bytes in the store");
                Assert.Equal(row.SizeBytes, new FileInfo(path).Length);
            }
        }
    }

    [Fact]
    public async Task A_one_GiB_upload_grows_the_servers_peak_memory_by_less_than_256_MiB()
    {
        await using var api = await StartAsync();
        var investigator = await PrepareInvestigatorAsync(api);
        var (claim, _) = await investigator.SubmitClaimAsync();
        var claimId = claim.GetProperty("id").GetGuid();
        // A small upload first, so that the baseline already holds the code and buffers every upload uses.
        await Expect.Status(await investigator.PostAsync($"/api/v1/claims/{claimId}/evidence", Upload(new GeneratedStream(4 * MiB), "video/mp4")),
            HttpStatusCode.Created);

        const long size = 1024 * MiB;
        var body = new GeneratedStream(size);
        var before = api.PeakResidentBytes();
        var started = DateTime.UtcNow;
        var response = await investigator.PostAsync($"/api/v1/claims/{claimId}/evidence", Upload(body, "video/mp4"));
        var elapsed = DateTime.UtcNow - started;
        var after = api.PeakResidentBytes();

        await Expect.Status(response, HttpStatusCode.Created);
        var item = await response.Json();
        Assert.Equal(size, item.GetProperty("sizeBytes").GetInt64());
        Assert.Equal(size, body.Sent);
        Assert.Equal(body.Sha256Hex(), item.GetProperty("sha256").GetString());
        var growth = after - before;
        output.WriteLine($"1 GiB upload in {elapsed.TotalSeconds:0.0} s: peak resident set {before / (double)MiB:0.0} MiB before, " +
                         $"{after / (double)MiB:0.0} MiB after, growth {growth / (double)MiB:0.0} MiB");
        Assert.True(growth < 256 * MiB, $"the peak resident set grew by {growth / MiB} MiB during a 1 GiB upload");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<ApiProcess> StartAsync()
    {
        var settings = AuthTests.ProcessSettings(_folder, ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword);
        settings["Evidence__MaxUploadBytes"] = (2048 * MiB).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await ApiProcess.StartReadyAsync(_folder, settings);
    }

    /// <summary>Signs in the bootstrap coordinator, who creates the investigator; answers the investigator's client.</summary>
    private static async Task<HttpClient> PrepareInvestigatorAsync(ApiProcess api)
    {
        using var coordinator = await SignInAsync(api, ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword);
        await Expect.Status(await coordinator.PostAsJsonAsync("/api/v1/users",
            new { email = InvestigatorEmail, password = TestApi.Password, roles = new[] { "Investigator" } }), HttpStatusCode.Created);
        return await SignInAsync(api, InvestigatorEmail);
    }

    private static async Task<HttpClient> SignInAsync(ApiProcess api, string email, string password = TestApi.Password)
    {
        var client = api.CreateClient();
        var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        await Expect.Status(login, HttpStatusCode.OK);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await login.Json()).GetProperty("accessToken").GetString());
        return client;
    }

    private static MultipartFormDataContent Upload(Stream body, string contentType)
    {
        var file = new StreamContent(body, (int)MiB);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent
        {
            { new StringContent("""{"kind":"Video","stance":"Supports","origin":"Drone footage"}""", Encoding.UTF8, "application/json"), "metadata" },
            { file, "file", "footage.mp4" },
        };
    }

    private async Task<string> WaitForTemporaryFileAsync(long minimumBytes, TimeSpan timeout, Task upload)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (upload.IsCompleted)
                Assert.Fail($"the upload ended before the crash: {(upload.IsFaulted ? upload.Exception : "completed")}");
            var file = Directory.Exists(TemporaryFolder)
                ? Directory.EnumerateFiles(TemporaryFolder, "*.tmp").FirstOrDefault(f => new FileInfo(f).Length >= minimumBytes)
                : null;
            if (file is not null)
                return file;
            await Task.Delay(100);
        }
        Assert.Fail($"no temporary file of {minimumBytes / MiB} MiB appeared in {TemporaryFolder} within {timeout}");
        return null!;
    }
}
