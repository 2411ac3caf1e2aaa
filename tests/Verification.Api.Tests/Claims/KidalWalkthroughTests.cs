using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Claims;

/// <summary>The Kidal report, end to end over HTTP: submit → triage → evidence → propose → confirm → reopen → decide again.</summary>
public sealed class KidalWalkthroughTests
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task The_Kidal_claim_goes_from_submission_to_a_verdict_and_back_with_every_step_on_the_record(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var reviewer = await api.NewPersonAsync("Reviewer");
        var secondReviewer = await api.NewPersonAsync("Reviewer");
        var coordinator = await api.CoordinatorAsync();

        var (claim, etag) = await investigator.Client.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();
        Assert.Equal("Submitted", claim.GetProperty("status").GetString());
        Assert.Matches(@"^VC-\d{4}-\d{6}$", claim.GetProperty("reference").GetString()!);
        Assert.Equal(investigator.Id, claim.GetProperty("submittedBy").GetGuid());

        var triaged = await reviewer.Client.PostWithIfMatch($"/api/v1/claims/{id}/triage", new { decision = "Accept" }, etag);
        await Expect.Status(triaged, HttpStatusCode.OK);
        Assert.Equal("InCorroboration", (await triaged.Json()).GetProperty("status").GetString());

        // Two independent supporting items: a link and a file, from different origins.
        var link = await investigator.Client.PostAsJsonAsync($"/api/v1/claims/{id}/evidence", new
        {
            kind = "Link",
            url = "https://example.org/kidal-strike-footage",
            origin = "Local journalist, Kidal",
            stance = "Supports",
            title = "Footage of the strike",
        });
        await Expect.Status(link, HttpStatusCode.Created);
        var report = Encoding.UTF8.GetBytes(await File.ReadAllTextAsync(SamplePath("kidal-2024-03-30-field-report.txt")));
        var file = await investigator.Client.PostAsync($"/api/v1/claims/{id}/evidence", Multipart(
            """{"kind":"Document","origin":"International news agency","stance":"Supports","title":"Field report of 30 March 2024"}""", report, "text/plain"));
        await Expect.Status(file, HttpStatusCode.Created);
        var fileItem = await file.Json();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(report)), fileItem.GetProperty("sha256").GetString());
        Assert.Equal(report.Length, fileItem.GetProperty("sizeBytes").GetInt64());

        foreach (var item in new[] { (await link.Json()).GetProperty("id").GetGuid(), fileItem.GetProperty("id").GetGuid() })
        {
            var review = await reviewer.Client.PostAsJsonAsync($"/api/v1/evidence/{item}/review",
                new { decision = "Accept", sourceReliability = "B", informationCredibility = 2 });
            await Expect.Status(review, HttpStatusCode.OK);
            Assert.Equal("Accepted", (await review.Json()).GetProperty("reviewStatus").GetString());
        }

        var proposal = await reviewer.Client.PostWithIfMatch($"/api/v1/claims/{id}/verdict-proposals", new
        {
            rating = "Fair",
            rationale = "Two independent sources report the strike; the armed forces confirmed operations in Kidal.",
            attributedTo = new[] { "Malian Armed Forces (FAMa)", "Wagner Group" },
        }, await reviewer.Client.ETagOf(id));
        await Expect.Status(proposal, HttpStatusCode.Created);
        var proposalId = (await proposal.Json()).GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/claims/{id}/verdict-proposals/{proposalId}", proposal.Headers.Location!.OriginalString);

        var confirmed = await secondReviewer.Client.PostWithIfMatch($"/api/v1/claims/{id}/verdict-proposals/{proposalId}/confirm", null,
            proposal.Headers.ETag!.Tag);
        await Expect.Status(confirmed, HttpStatusCode.OK);
        var decided = await confirmed.Json();
        Assert.Equal("Decided", decided.GetProperty("status").GetString());
        Assert.Equal("Fair", decided.GetProperty("verdict").GetProperty("rating").GetString());
        Assert.Equal(secondReviewer.Id, decided.GetProperty("verdict").GetProperty("confirmedBy").GetGuid());

        var reopened = await coordinator.PostWithIfMatch($"/api/v1/claims/{id}/reopen", new { reason = "New footage disputes the location." },
            confirmed.Headers.ETag!.Tag);
        await Expect.Status(reopened, HttpStatusCode.OK);
        var reopenedClaim = await reopened.Json();
        Assert.Equal("InCorroboration", reopenedClaim.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, reopenedClaim.GetProperty("verdict").ValueKind);

        var second = await secondReviewer.Client.PostWithIfMatch($"/api/v1/claims/{id}/verdict-proposals",
            new { rating = "Contested", rationale = "The new footage contests who struck." }, reopened.Headers.ETag!.Tag);
        await Expect.Status(second, HttpStatusCode.Created);
        var secondId = (await second.Json()).GetProperty("id").GetGuid();
        var decidedAgain = await reviewer.Client.PostWithIfMatch($"/api/v1/claims/{id}/verdict-proposals/{secondId}/confirm", null, second.Headers.ETag!.Tag);
        await Expect.Status(decidedAgain, HttpStatusCode.OK);
        Assert.Equal("Contested", (await decidedAgain.Json()).GetProperty("verdict").GetProperty("rating").GetString());

        // Every earlier verdict stays: both proposals are on record, both confirmed.
        var proposals = await (await reviewer.Client.GetAsync($"/api/v1/claims/{id}/verdict-proposals")).Json();
        Assert.Equal(["Confirmed", "Confirmed"], proposals.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("status").GetString()));

        var history = await (await investigator.Client.GetAsync($"/api/v1/claims/{id}/history?limit=200")).Json();
        var actions = history.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal("Submitted", actions[0]);
        foreach (var expected in new[] { "TriageAccepted", "EvidenceAdded", "CustodyIntake", "EvidenceReviewed", "CustodyReviewed", "VerdictProposed", "VerdictConfirmed", "Reopened" })
            Assert.Contains(expected, actions);
        Assert.Equal(2, actions.Count(a => a == "VerdictConfirmed"));
        var times = history.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("at").GetDateTime()).ToList();
        Assert.Equal(times.Order(), times);

        var verify = await (await coordinator.GetAsync("/api/v1/audit/verify")).Json();
        Assert.True(verify.GetProperty("valid").GetBoolean());
        Assert.True(verify.GetProperty("checked").GetInt64() >= 12, $"every change is audited: {verify}");
    }

    internal static MultipartFormDataContent Multipart(string metadata, byte[] bytes, string contentType, string fileName = "report.txt")
    {
        var content = new MultipartFormDataContent();
        content.Add(new StringContent(metadata, Encoding.UTF8, "application/json"), "metadata");
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        content.Add(file, "file", fileName);
        return content;
    }

    /// <summary>A file of the repository's docs/samples/, which README, docs and tests share.</summary>
    internal static string SamplePath(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Verification.sln")))
                continue;
            var sample = Path.Combine(dir.FullName, "docs", "samples", name);
            return File.Exists(sample) ? sample : throw new FileNotFoundException($"docs/samples/{name} is not in the repository.", sample);
        }
        throw new DirectoryNotFoundException($"No Verification.sln above {AppContext.BaseDirectory}.");
    }
}
