using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Evidence;

/// <summary>
/// Evidence intake over HTTP: the bytes kept are the bytes hashed, a refused upload leaves nothing behind, downloads
/// are custody events, and a witness's identity is seen only by those who may see it and never stored in clear.
/// </summary>
public sealed class EvidenceTests(ProvidersFixture fixture) : IClassFixture<ProvidersFixture>
{
    private const string PhotoMetadata = """{"kind":"Photo","stance":"Supports","origin":"Resident of Kidal","title":"Crater"}""";

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task An_upload_is_kept_under_its_hash_and_served_back_with_ranges_each_access_on_the_custody_chain(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var (investigator, claimId) = await ClaimOfNewInvestigator(api);
        var bytes = RandomNumberGenerator.GetBytes(64 * 1024 + 13);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));

        var created = await investigator.Client.PostAsync($"/api/v1/claims/{claimId}/evidence", Upload(PhotoMetadata, bytes));
        await Expect.Status(created, HttpStatusCode.Created);
        var item = await created.Json();
        var id = item.GetProperty("id").GetGuid();
        Assert.Equal(sha, item.GetProperty("sha256").GetString());
        Assert.Equal(bytes.Length, item.GetProperty("sizeBytes").GetInt64());
        Assert.Equal("Pending", item.GetProperty("reviewStatus").GetString());
        Assert.Equal($"/api/v1/evidence/{id}", created.Headers.Location!.OriginalString);

        var stored = await File.ReadAllBytesAsync(Path.Combine(api.Factory.EvidencePath, sha[..2], sha[2..4], sha));
        Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData(stored)));

        var download = await investigator.Client.GetAsync($"/api/v1/evidence/{id}/content");
        await Expect.Status(download, HttpStatusCode.OK);
        Assert.Equal($"\"{sha}\"", download.Headers.ETag!.Tag);
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());

        var ranged = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/evidence/{id}/content");
        ranged.Headers.Range = new RangeHeaderValue(1000, 1999);
        var slice = await investigator.Client.SendAsync(ranged);
        await Expect.Status(slice, HttpStatusCode.PartialContent);
        Assert.Equal(bytes[1000..2000], await slice.Content.ReadAsByteArrayAsync());
        Assert.Equal($"bytes 1000-1999/{bytes.Length}", slice.Content.Headers.ContentRange!.ToString());

        var custody = await (await investigator.Client.GetAsync($"/api/v1/evidence/{id}/custody")).Json();
        var actions = custody.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["Intake", "Accessed", "Accessed"], actions);
        Assert.All(custody.GetProperty("items").EnumerateArray(), e => Assert.Equal(investigator.Id, e.GetProperty("actor").GetGuid()));
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_declared_sha256_that_does_not_match_is_400_and_nothing_is_kept(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var (investigator, claimId) = await ClaimOfNewInvestigator(api);
        var before = StoredFiles(api);
        var bytes = RandomNumberGenerator.GetBytes(10_000);
        var metadata = $$"""{"kind":"Photo","stance":"Supports","sha256":"{{new string('a', 64)}}"}""";

        await Expect.ValidationProblem(await investigator.Client.PostAsync($"/api/v1/claims/{claimId}/evidence", Upload(metadata, bytes)), "sha256");
        await AssertNothingKept(api, claimId, before);

        // The same upload declaring its true hash is taken: the refusal was about the hash, not the request.
        var honest = $$"""{"kind":"Photo","stance":"Supports","sha256":"{{Convert.ToHexString(SHA256.HashData(bytes))}}"}""";
        await Expect.Status(await investigator.Client.PostAsync($"/api/v1/claims/{claimId}/evidence", Upload(honest, bytes)), HttpStatusCode.Created);
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_Content_Digest_that_does_not_match_is_400_and_nothing_is_kept(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var (investigator, claimId) = await ClaimOfNewInvestigator(api);
        var before = StoredFiles(api);
        var bytes = RandomNumberGenerator.GetBytes(10_000);

        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/claims/{claimId}/evidence") { Content = Upload(PhotoMetadata, bytes) };
        request.Headers.TryAddWithoutValidation("Content-Digest", $"sha-256=:{Convert.ToBase64String(SHA256.HashData("other bytes"u8))}:");
        await Expect.ValidationProblem(await investigator.Client.SendAsync(request), "Content-Digest");
        await AssertNothingKept(api, claimId, before);

        var matching = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/claims/{claimId}/evidence") { Content = Upload(PhotoMetadata, bytes) };
        matching.Headers.TryAddWithoutValidation("Content-Digest", $"sha-256=:{Convert.ToBase64String(SHA256.HashData(bytes))}:");
        await Expect.Status(await investigator.Client.SendAsync(matching), HttpStatusCode.Created);
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Identical_bytes_twice_are_stored_once_and_the_second_item_names_the_first(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var (investigator, claimId) = await ClaimOfNewInvestigator(api);
        var bytes = RandomNumberGenerator.GetBytes(20_000);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));

        var first = await (await investigator.Client.PostAsync($"/api/v1/claims/{claimId}/evidence", Upload(PhotoMetadata, bytes))).Json();
        var second = await investigator.Client.PostAsync($"/api/v1/claims/{claimId}/evidence",
            Upload("""{"kind":"Photo","stance":"Supports","origin":"Forwarded on a messaging app"}""", bytes));
        await Expect.Status(second, HttpStatusCode.Created);
        var item = await second.Json();
        Assert.NotEqual(first.GetProperty("id").GetGuid(), item.GetProperty("id").GetGuid());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("duplicateOf").ValueKind);
        Assert.Equal(first.GetProperty("id").GetGuid(), item.GetProperty("duplicateOf").GetGuid());
        Assert.Single(StoredFiles(api), f => Path.GetFileName(f) == sha);
        Assert.Empty(TemporaryFiles(api));
    }

    public static TheoryData<string, string> MalformedUploads => new()
    {
        { "no file part", "file" },
        { "two file parts", "file" },
        { "metadata that is not JSON", "metadata" },
        { "no metadata part", "metadata" },
    };

    [Theory]
    [MemberData(nameof(MalformedUploads))]
    public async Task A_malformed_multipart_upload_is_400_and_nothing_is_kept(string what, string field)
    {
        var api = await fixture.For(DatabaseProvider.Sqlite);
        var (investigator, claimId) = await ClaimOfNewInvestigator(api);
        var before = StoredFiles(api);
        var bytes = RandomNumberGenerator.GetBytes(300_000);
        var content = new MultipartFormDataContent();
        if (what != "no metadata part")
            content.Add(new StringContent(what == "metadata that is not JSON" ? """{"kind":"Photo", stance""" : PhotoMetadata, Encoding.UTF8, "application/json"), "metadata");
        if (what != "no file part")
            content.Add(new ByteArrayContent(bytes), "file", "a.jpg");
        if (what == "two file parts")
            content.Add(new ByteArrayContent(RandomNumberGenerator.GetBytes(300_000)), "file", "b.jpg");

        await Expect.ValidationProblem(await investigator.Client.PostAsync($"/api/v1/claims/{claimId}/evidence", content), field);
        await AssertNothingKept(api, claimId, before);
    }

    [Fact]
    public async Task An_upload_over_the_limit_is_413_and_nothing_is_kept()
    {
        await using var api = await TestApi.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["Evidence:MaxUploadBytes"] = "1024" });
        var (investigator, claimId) = await ClaimOfNewInvestigator(api);
        await Expect.Problem(await investigator.Client.PostAsync($"/api/v1/claims/{claimId}/evidence",
            Upload(PhotoMetadata, RandomNumberGenerator.GetBytes(256 * 1024))), HttpStatusCode.RequestEntityTooLarge);
        await AssertNothingKept(api, claimId, []);

        // At the limit it is taken.
        await Expect.Status(await investigator.Client.PostAsync($"/api/v1/claims/{claimId}/evidence",
            Upload(PhotoMetadata, RandomNumberGenerator.GetBytes(1024))), HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_JSON_evidence_body_over_1_MiB_is_413_even_without_a_Content_Length()
    {
        // Over real Kestrel: the in-memory test server answers 413 here whatever the API does, so only Kestrel shows it.
        await using var api = await TestApi.StartOnKestrelAsync(DatabaseProvider.Sqlite);
        var (investigator, claimId) = await ClaimOfNewInvestigator(api);
        var json = JsonSerializer.SerializeToUtf8Bytes(new { kind = "Link", url = "https://example.org/x", stance = "Supports", description = new string('d', 2 * 1024 * 1024) });
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/claims/{claimId}/evidence") { Content = new ChunkedContent(json, "application/json") };
        request.Headers.TransferEncodingChunked = true;
        var response = await investigator.Client.SendAsync(request);
        Assert.Null(response.RequestMessage!.Content!.Headers.ContentLength);
        await Expect.Problem(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_body_that_is_neither_multipart_nor_JSON_is_415()
    {
        var api = await fixture.For(DatabaseProvider.Sqlite);
        var (investigator, claimId) = await ClaimOfNewInvestigator(api);
        await Expect.Problem(await investigator.Client.PostAsync($"/api/v1/claims/{claimId}/evidence",
            new StringContent("kind=Link url=https://example.org", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_link_without_url_is_400_on_url()
    {
        var api = await fixture.For(DatabaseProvider.Sqlite);
        var (investigator, claimId) = await ClaimOfNewInvestigator(api);
        await Expect.ValidationProblem(await investigator.Client.PostAsJsonAsync($"/api/v1/claims/{claimId}/evidence",
            new { kind = "Link", stance = "Supports", title = "A link with no address" }), "url");
    }

    [Theory]
    [InlineData("Rejected")]
    [InlineData("Withdrawn")]
    public async Task Evidence_on_a_closed_claim_is_409(string how)
    {
        var api = await fixture.For(DatabaseProvider.Sqlite);
        var (investigator, claimId) = await ClaimOfNewInvestigator(api);
        var etag = await investigator.Client.ETagOf(claimId);
        if (how == "Rejected")
        {
            var reviewer = await api.NewPersonAsync("Reviewer");
            await Expect.Status(await reviewer.Client.PostWithIfMatch($"/api/v1/claims/{claimId}/triage",
                new { decision = "Reject", reason = "Out of scope" }, etag), HttpStatusCode.OK);
        }
        else
        {
            await Expect.Status(await investigator.Client.PostWithIfMatch($"/api/v1/claims/{claimId}/withdraw",
                new { reason = "Filed twice" }, etag), HttpStatusCode.OK);
        }

        await Expect.Problem(await investigator.Client.PostAsJsonAsync($"/api/v1/claims/{claimId}/evidence",
            new { kind = "Link", url = "https://example.org/late", stance = "Supports" }), HttpStatusCode.Conflict);
        await Expect.Problem(await investigator.Client.PostAsync($"/api/v1/claims/{claimId}/evidence",
            Upload(PhotoMetadata, RandomNumberGenerator.GetBytes(1000))), HttpStatusCode.Conflict);
        await using var db = api.Factory.CreateDb();
        Assert.False(await db.Evidence.AnyAsync(e => e.ClaimId == claimId));
    }

    [Fact]
    public async Task Evidence_on_a_decided_claim_is_kept_and_suggests_reopening()
    {
        var api = await fixture.For(DatabaseProvider.Sqlite);
        var (investigator, claimId) = await ClaimOfNewInvestigator(api);
        var proposer = await api.NewPersonAsync("Reviewer");
        var confirmer = await api.NewPersonAsync("Reviewer");
        var triaged = await proposer.Client.PostWithIfMatch($"/api/v1/claims/{claimId}/triage", new { decision = "Accept" },
            await investigator.Client.ETagOf(claimId));
        var proposal = await proposer.Client.PostWithIfMatch($"/api/v1/claims/{claimId}/verdict-proposals",
            new { rating = "Weak", rationale = "A single local report." }, triaged.Headers.ETag!.Tag);
        await Expect.Status(proposal, HttpStatusCode.Created);
        var decided = await confirmer.Client.PostWithIfMatch(
            $"/api/v1/claims/{claimId}/verdict-proposals/{(await proposal.Json()).GetProperty("id")}/confirm", null, proposal.Headers.ETag!.Tag);
        await Expect.Status(decided, HttpStatusCode.OK);
        Assert.False((await decided.Json()).GetProperty("reopeningSuggested").GetBoolean());

        await Expect.Status(await investigator.Client.PostAsJsonAsync($"/api/v1/claims/{claimId}/evidence",
            new { kind = "Link", url = "https://example.org/new-footage", stance = "Contradicts", origin = "New footage" }), HttpStatusCode.Created);

        var claim = await (await investigator.Client.GetAsync($"/api/v1/claims/{claimId}")).Json();
        Assert.Equal("Decided", claim.GetProperty("status").GetString());
        Assert.True(claim.GetProperty("reopeningSuggested").GetBoolean());
        Assert.Equal("Weak", claim.GetProperty("verdict").GetProperty("rating").GetString());
    }

    [Fact]
    public async Task A_witness_identity_is_shown_to_the_investigator_who_recorded_it_and_to_coordinators_only()
    {
        var api = await fixture.For(DatabaseProvider.Sqlite);
        var (recorder, claimId) = await ClaimOfNewInvestigator(api);
        var colleague = await api.NewPersonAsync("Investigator");
        var reviewer = await api.NewPersonAsync("Reviewer");
        var coordinator = await api.CoordinatorAsync();
        await Expect.Status(await coordinator.PostWithIfMatch($"/api/v1/claims/{claimId}/assignments", new { userId = colleague.Id },
            await recorder.Client.ETagOf(claimId)), HttpStatusCode.OK);

        var created = await recorder.Client.PostAsJsonAsync($"/api/v1/claims/{claimId}/evidence", Testimony("I saw the strike.", "Amadou Witness-Secret", "+223-secret"));
        await Expect.Status(created, HttpStatusCode.Created);
        var recorded = await created.Json();
        var id = recorded.GetProperty("id").GetGuid();
        AssertWitness(recorded, "Amadou Witness-Secret", "+223-secret");

        foreach (var allowed in new[] { recorder.Client, coordinator })
        {
            AssertWitness(await (await allowed.GetAsync($"/api/v1/evidence/{id}")).Json(), "Amadou Witness-Secret", "+223-secret");
            var listed = await (await allowed.GetAsync($"/api/v1/claims/{claimId}/evidence")).Json();
            AssertWitness(listed.GetProperty("items").EnumerateArray().Single(), "Amadou Witness-Secret", "+223-secret");
        }
        foreach (var other in new[] { reviewer.Client, colleague.Client })
        {
            var item = await (await other.GetAsync($"/api/v1/evidence/{id}")).Json();
            Assert.Equal("I saw the strike.", item.GetProperty("testimony").GetProperty("text").GetString());
            Assert.Equal(JsonValueKind.Null, item.GetProperty("testimony").GetProperty("witness").ValueKind);
            var listed = await (await other.GetAsync($"/api/v1/claims/{claimId}/evidence")).Json();
            Assert.Equal(JsonValueKind.Null, listed.GetProperty("items").EnumerateArray().Single().GetProperty("testimony").GetProperty("witness").ValueKind);
            Assert.DoesNotContain("Witness-Secret", await (await other.GetAsync($"/api/v1/claims/{claimId}/history?limit=200")).Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task A_witness_identity_is_not_in_the_SQLite_file_while_the_testimony_text_is()
    {
        var api = await fixture.For(DatabaseProvider.Sqlite);
        var (recorder, claimId) = await ClaimOfNewInvestigator(api);
        var marker = Guid.NewGuid().ToString("N");
        var text = $"Testimony {marker}: the drones came twice.";
        var name = $"Fatoumata Protected-{marker}";
        var contact = $"+223-{marker}";
        await Expect.Status(await recorder.Client.PostAsJsonAsync($"/api/v1/claims/{claimId}/evidence", Testimony(text, name, contact)),
            HttpStatusCode.Created);

        SqliteConnection.ClearAllPools();
        var files = new[] { api.Factory.SqliteFile, api.Factory.SqliteFile + "-wal" }.Where(File.Exists).ToList();
        var bytes = files.SelectMany(f =>
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }).ToArray();

        Assert.True(Contains(bytes, text), "the testimony text should be stored in clear: otherwise this search proves nothing");
        Assert.False(Contains(bytes, name), "the witness name is stored in clear");
        Assert.False(Contains(bytes, contact), "the witness contact is stored in clear");
        Assert.False(Contains(bytes, marker[..16] + "-"), "part of the witness identity is stored in clear");
    }

    [Fact]
    public async Task The_audit_digest_of_a_testimony_does_not_depend_on_who_the_witness_is()
    {
        // The digest is an unsalted SHA-256 of the command. Were the witness in it, anyone with the database could
        // test guessed names and phone numbers against it, undoing the encryption of the identity.
        var api = await fixture.For(DatabaseProvider.Sqlite);
        var (recorder, claimId) = await ClaimOfNewInvestigator(api);
        var coordinator = await api.CoordinatorAsync();
        var digests = new List<string>();
        foreach (var (name, contact) in new[] { ("Amadou Witness-Secret", "+223-secret"), ("Aminata Other-Witness", "+223-other") })
        {
            var created = await recorder.Client.PostAsJsonAsync($"/api/v1/claims/{claimId}/evidence", Testimony("The same words.", name, contact));
            await Expect.Status(created, HttpStatusCode.Created);
            var entries = await (await coordinator.GetAsync($"/api/v1/audit?entityId={(await created.Json()).GetProperty("id")}")).Json();
            digests.Add(entries.GetProperty("items").EnumerateArray().Single().GetProperty("changeDigest").GetString()!);
        }
        Assert.Equal(digests[0], digests[1]);
    }

    private static object Testimony(string text, string name, string contact) => new
    {
        kind = "Testimony",
        stance = "Supports",
        origin = "Interview in Kidal",
        collectedBy = "Field team",
        testimony = new { text, witness = new { name, contact } },
    };

    private static void AssertWitness(JsonElement item, string name, string contact)
    {
        var witness = item.GetProperty("testimony").GetProperty("witness");
        Assert.Equal(name, witness.GetProperty("name").GetString());
        Assert.Equal(contact, witness.GetProperty("contact").GetString());
    }

    private static async Task<(Person Investigator, Guid ClaimId)> ClaimOfNewInvestigator(TestApi api)
    {
        var investigator = await api.NewPersonAsync("Investigator");
        var (claim, _) = await investigator.Client.SubmitClaimAsync();
        return (investigator, claim.GetProperty("id").GetGuid());
    }

    internal static MultipartFormDataContent Upload(string metadata, byte[] bytes)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return new MultipartFormDataContent
        {
            { new StringContent(metadata, Encoding.UTF8, "application/json"), "metadata" },
            { file, "file", "photo.jpg" },
        };
    }

    private static List<string> StoredFiles(TestApi api) =>
        Directory.Exists(api.Factory.EvidencePath)
            ? [.. Directory.EnumerateFiles(api.Factory.EvidencePath, "*", SearchOption.AllDirectories).Order()]
            : [];

    private static List<string> TemporaryFiles(TestApi api) =>
        [.. StoredFiles(api).Where(f => f.StartsWith(Path.Combine(api.Factory.EvidencePath, ".tmp"), StringComparison.Ordinal))];

    /// <summary>No row for the claim, no new file in the store and nothing left in its temporary folder.</summary>
    private static async Task AssertNothingKept(TestApi api, Guid claimId, List<string> filesBefore)
    {
        await using (var db = api.Factory.CreateDb())
        {
            Assert.False(await db.Evidence.AnyAsync(e => e.ClaimId == claimId), "an evidence row was kept");
            Assert.False(await db.ClaimEvents.AnyAsync(e => e.ClaimId == claimId && e.Action == "EvidenceAdded"), "the claim's history names evidence");
        }
        Assert.Empty(TemporaryFiles(api));
        Assert.Equal(filesBefore, StoredFiles(api));
    }

    /// <summary>A body sent without Content-Length, as a client that streams it does.</summary>
    private sealed class ChunkedContent : HttpContent
    {
        private readonly byte[] _bytes;

        public ChunkedContent(byte[] bytes, string mediaType)
        {
            _bytes = bytes;
            Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            for (var offset = 0; offset < _bytes.Length; offset += 64 * 1024)
                await stream.WriteAsync(_bytes.AsMemory(offset, Math.Min(64 * 1024, _bytes.Length - offset)));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private static bool Contains(byte[] haystack, string text) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
