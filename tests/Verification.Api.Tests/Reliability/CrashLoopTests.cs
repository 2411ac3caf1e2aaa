using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Tests.Foundation;
using Verification.Api.Tests.Infrastructure;
using Verification.Domain.Common;
using Verification.Persistence;
using Xunit.Abstractions;

namespace Verification.Api.Tests.Reliability;

/// <summary>
/// The API as a real process, killed with SIGKILL at a random moment of a burst of submissions, reviews (triage,
/// proposal, four-eyes confirmation) and evidence uploads, then started again on the same database and evidence
/// folder. What it answered with a 2xx must be there; what it refused must have left no trace; what got no answer
/// may have happened or not, but wholly (the change, its history event and its audit entry together); the audit
/// chain verifies; no evidence row points at missing bytes. The kill moments come from a seeded Random whose seed is
/// printed: VERIFICATION_CRASH_SEED replays a run, VERIFICATION_CRASH_CYCLES runs more cycles than the default.
/// </summary>
public sealed class CrashLoopTests(ITestOutputHelper output) : IDisposable
{
    private const int DefaultCycles = 3;
    private const int ReviewPool = 3; // claims prepared per cycle for each kind of review
    private const string Password = TestApi.Password;
    private readonly string _folder = AuthTests.TempFolder();

    private enum Kind { Submit, Upload, Triage, Propose, Confirm }

    /// <summary>One request of a burst: what was asked, of which object, and what came back (null: no answer).</summary>
    private sealed record Outcome(Kind Kind, Guid ClaimId, string Marker, int? Status, Guid? CreatedId);

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task After_SIGKILL_in_a_burst_acknowledged_requests_survive_refused_ones_left_nothing_and_the_rest_are_all_or_nothing(
        DatabaseProvider provider)
    {
        var cycles = int.TryParse(Environment.GetEnvironmentVariable("VERIFICATION_CRASH_CYCLES"), out var c) && c > 0 ? c : DefaultCycles;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("VERIFICATION_CRASH_SEED"), out var s) ? s : Random.Shared.Next();
        output.WriteLine($"{provider}: {cycles} cycles, seed {seed} (set VERIFICATION_CRASH_SEED={seed} to replay the kill moments)");
        var random = new Random(seed);

        var settings = AuthTests.ProcessSettings(_folder, ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword);
        settings["Auth__SignInsPerMinute"] = "100000";
        settings["Logging__LogLevel__Default"] = "Warning";
        string connectionString = settings["ConnectionStrings__Verification"]!;
        if (provider == DatabaseProvider.PostgreSql)
        {
            connectionString = (PostgresCluster.Instance ?? throw new InvalidOperationException(PostgresCluster.WhyUnavailable)).CreateDatabase();
            settings["Database__Provider"] = "PostgreSql";
            settings["ConnectionStrings__Verification"] = connectionString;
        }

        var api = await StartAsync(settings);
        try
        {
            var staff = await CreateStaffAsync(api);
            var checkedRequests = 0;
            var unanswered = 0;
            for (var cycle = 1; cycle <= cycles; cycle++)
            {
                var people = await SignInAllAsync(api, staff);
                var pools = await PrepareAsync(people, cycle);
                var ledger = new ConcurrentBag<Outcome>();
                var killAfter = TimeSpan.FromMilliseconds(random.Next(300, 4000));
                var workerSeeds = Enumerable.Range(0, 5).Select(_ => random.Next()).ToArray();
                var stop = new CancellationTokenSource();

                var workers = new List<Task>
                {
                    Task.Run(() => SubmitLoop(people.Investigator, cycle, ledger, stop.Token)),
                    Task.Run(() => UploadLoop(people.Investigator, pools.ForUpload, new Random(workerSeeds[0]), ledger, stop.Token)),
                    Task.Run(() => UploadLoop(people.Investigator, pools.ForUpload, new Random(workerSeeds[1]), ledger, stop.Token)),
                    Task.Run(() => TriageLoop(people.ReviewerA, pools.ForTriage, ledger, stop.Token)),
                    Task.Run(() => ProposeLoop(people.ReviewerA, pools.ForProposal, ledger, stop.Token)),
                    Task.Run(() => ConfirmLoop(people.ReviewerB, pools.ForConfirmation, ledger, stop.Token)),
                };
                await Task.Delay(killAfter);
                await api.KillAsync();
                stop.Cancel();
                await Task.WhenAll(workers);
                await api.DisposeAsync();

                var restart = System.Diagnostics.Stopwatch.StartNew();
                api = await StartAsync(settings);
                restart.Stop();
                people = await SignInAllAsync(api, staff);
                var outcomes = ledger.ToList();
                await VerifyAsync(api, people, provider, connectionString, outcomes, pools);
                checkedRequests += outcomes.Count;
                unanswered += outcomes.Count(o => o.Status is null);
                output.WriteLine($"cycle {cycle}: killed after {killAfter.TotalMilliseconds:0} ms, ready again in {restart.Elapsed.TotalSeconds:0.0} s; {outcomes.Count} burst requests checked " +
                                 $"({string.Join(", ", outcomes.GroupBy(o => o.Kind).OrderBy(g => g.Key).Select(g => $"{g.Key} {Describe(g)}"))})");
            }
            output.WriteLine($"{provider}: survived {cycles} of {cycles} SIGKILL cycles; {checkedRequests} burst requests checked, " +
                             $"{unanswered} of them cut off without an answer; nothing acknowledged was lost; " +
                             $"{Orphans} stored files without an evidence row after the last restart.");
        }
        finally
        {
            await api.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_job_lock_left_by_a_killed_process_does_not_stop_the_next_start_on_PostgreSQL()
    {
        var connectionString = (PostgresCluster.Instance ?? throw new InvalidOperationException(PostgresCluster.WhyUnavailable)).CreateDatabase();
        var settings = AuthTests.ProcessSettings(_folder, ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword);
        settings["Database__Provider"] = "PostgreSql";
        settings["ConnectionStrings__Verification"] = connectionString;
        await (await StartAsync(settings)).DisposeAsync(); // creates the schema and the jobs, then dies by SIGKILL

        // What a process killed while changing a recurring job leaves behind: its lock row, which nobody will release
        // (the resource name is the one Hangfire.Core gives a recurring job's lock).
        var options = new Hangfire.PostgreSql.PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = false };
        var storage = new Hangfire.PostgreSql.PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(connectionString, options), options);
        using var connection = storage.GetConnection();
        var held = connection.AcquireDistributedLock($"lock:recurring-job:{Verification.Api.Infrastructure.Jobs.RecurringJobs.VerifyAuditChainId}", TimeSpan.FromSeconds(10));

        await using var api = await StartAsync(settings);
        Assert.Contains("Recurring jobs not registered at start", api.Output);
        using var coordinator = await SignInAsync(api, ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword);
        await Expect.Status(await coordinator.GetAsync("/api/v1/audit/verify"), HttpStatusCode.OK);
        held.Dispose();
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

    private static string Describe(IEnumerable<Outcome> outcomes)
    {
        var list = outcomes.ToList();
        return $"{list.Count(o => o.Status is >= 200 and < 300)}×2xx/{list.Count(o => o.Status >= 400)}×error/{list.Count(o => o.Status is null)}×cut";
    }

    // ---- the burst ---------------------------------------------------------------------------------------------

    private sealed record Staff(string Investigator, string ReviewerA, string ReviewerB);

    private sealed record People(HttpClient Coordinator, HttpClient Investigator, HttpClient ReviewerA, HttpClient ReviewerB);

    /// <summary>Claims made ready before the burst, each to be acted on by exactly one request of it.</summary>
    private sealed record Pools(
        IReadOnlyList<Guid> ForUpload,
        ConcurrentQueue<(Guid Claim, string ETag)> ForTriage,
        ConcurrentQueue<(Guid Claim, string ETag)> ForProposal,
        ConcurrentQueue<(Guid Claim, Guid Proposal, string ETag)> ForConfirmation,
        IReadOnlyList<Guid> All);

    private static async Task SubmitLoop(HttpClient client, int cycle, ConcurrentBag<Outcome> ledger, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var marker = $"crash-{cycle}-{n}-{Guid.NewGuid():N}";
            var outcome = await Attempt(() => client.PostAsJsonAsync("/api/v1/claims", Kidal.Claim(marker)));
            ledger.Add(new Outcome(Kind.Submit, Guid.Empty, marker, outcome.Status, outcome.Id));
            if (outcome.Status is null)
                return;
        }
    }

    private static async Task UploadLoop(HttpClient client, IReadOnlyList<Guid> claims, Random random, ConcurrentBag<Outcome> ledger, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var claim = claims[random.Next(claims.Count)];
            var bytes = new byte[random.Next(16 * 1024, 768 * 1024)];
            random.NextBytes(bytes);
            var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
            var content = new MultipartFormDataContent
            {
                { new StringContent("""{"kind":"Photo","stance":"Supports","origin":"crash loop"}""", Encoding.UTF8, "application/json"), "metadata" },
                { new ByteArrayContent(bytes), "file", "photo.jpg" },
            };
            var outcome = await Attempt(() => client.PostAsync($"/api/v1/claims/{claim}/evidence", content));
            ledger.Add(new Outcome(Kind.Upload, claim, sha, outcome.Status, outcome.Id));
            if (outcome.Status is null)
                return;
        }
    }

    private static async Task TriageLoop(HttpClient client, ConcurrentQueue<(Guid Claim, string ETag)> pool, ConcurrentBag<Outcome> ledger, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && pool.TryDequeue(out var next))
        {
            var outcome = await Attempt(() => client.PostWithIfMatch($"/api/v1/claims/{next.Claim}/triage", new { decision = "Accept" }, next.ETag));
            ledger.Add(new Outcome(Kind.Triage, next.Claim, "", outcome.Status, null));
            if (outcome.Status is null)
                return;
        }
    }

    private static async Task ProposeLoop(HttpClient client, ConcurrentQueue<(Guid Claim, string ETag)> pool, ConcurrentBag<Outcome> ledger, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && pool.TryDequeue(out var next))
        {
            var outcome = await Attempt(() => client.PostWithIfMatch($"/api/v1/claims/{next.Claim}/verdict-proposals",
                new { rating = "Weak", rationale = "One local media report; no other source yet." }, next.ETag));
            ledger.Add(new Outcome(Kind.Propose, next.Claim, "", outcome.Status, outcome.Id));
            if (outcome.Status is null)
                return;
        }
    }

    private static async Task ConfirmLoop(HttpClient client, ConcurrentQueue<(Guid Claim, Guid Proposal, string ETag)> pool, ConcurrentBag<Outcome> ledger,
        CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && pool.TryDequeue(out var next))
        {
            var outcome = await Attempt(() => client.PostWithIfMatch($"/api/v1/claims/{next.Claim}/verdict-proposals/{next.Proposal}/confirm", null, next.ETag));
            ledger.Add(new Outcome(Kind.Confirm, next.Claim, next.Proposal.ToString(), outcome.Status, null));
            if (outcome.Status is null)
                return;
        }
    }

    /// <summary>Sends one request; the status and the id it created, or a null status when the process died first.</summary>
    private static async Task<(int? Status, Guid? Id)> Attempt(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            using var response = await send();
            var body = await response.Content.ReadAsStringAsync();
            Guid? id = null;
            if (response.IsSuccessStatusCode && body.Length > 0)
            {
                using var json = JsonDocument.Parse(body);
                if (json.RootElement.TryGetProperty("id", out var value))
                    id = value.GetGuid();
            }
            return ((int)response.StatusCode, id);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or JsonException)
        {
            // A body cut off mid-way (JsonException) is no answer either: the client cannot know what happened.
            return (null, null);
        }
    }

    // ---- preparing -----------------------------------------------------------------------------------------------

    private async Task<Staff> CreateStaffAsync(ApiProcess api)
    {
        using var coordinator = await SignInAsync(api, ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword);
        var staff = new Staff("investigator@crash.test", "reviewer-a@crash.test", "reviewer-b@crash.test");
        foreach (var (email, role) in new[] { (staff.Investigator, "Investigator"), (staff.ReviewerA, "Reviewer"), (staff.ReviewerB, "Reviewer") })
            await Expect.Status(await coordinator.PostAsJsonAsync("/api/v1/users", new { email, password = Password, roles = new[] { role } }), HttpStatusCode.Created);
        return staff;
    }

    private static async Task<People> SignInAllAsync(ApiProcess api, Staff staff) => new(
        await SignInAsync(api, ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword),
        await SignInAsync(api, staff.Investigator, Password),
        await SignInAsync(api, staff.ReviewerA, Password),
        await SignInAsync(api, staff.ReviewerB, Password));

    private static async Task<HttpClient> SignInAsync(ApiProcess api, string email, string password)
    {
        var client = api.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);
        var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        await Expect.Status(login, HttpStatusCode.OK);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await login.Json()).GetProperty("accessToken").GetString());
        return client;
    }

    private static async Task<Pools> PrepareAsync(People people, int cycle)
    {
        var all = new List<Guid>();
        async Task<(Guid Id, string ETag)> Submit(string purpose)
        {
            var (claim, etag) = await people.Investigator.SubmitClaimAsync(Kidal.Claim($"crash-{cycle}-{purpose}-{Guid.NewGuid():N}"));
            var id = claim.GetProperty("id").GetGuid();
            all.Add(id);
            return (id, etag);
        }

        async Task<(Guid Id, string ETag)> Triaged(string purpose)
        {
            var (id, etag) = await Submit(purpose);
            var triaged = await people.ReviewerA.PostWithIfMatch($"/api/v1/claims/{id}/triage", new { decision = "Accept" }, etag);
            await Expect.Status(triaged, HttpStatusCode.OK);
            return (id, triaged.Headers.ETag!.Tag);
        }

        var forUpload = new List<Guid> { (await Submit("upload")).Id, (await Submit("upload")).Id };
        var forTriage = new ConcurrentQueue<(Guid, string)>();
        var forProposal = new ConcurrentQueue<(Guid, string)>();
        var forConfirmation = new ConcurrentQueue<(Guid, Guid, string)>();
        for (var i = 0; i < ReviewPool; i++)
        {
            forTriage.Enqueue(await Submit("triage"));
            forProposal.Enqueue(await Triaged("proposal"));
            var (id, etag) = await Triaged("confirmation");
            var proposal = await people.ReviewerA.PostWithIfMatch($"/api/v1/claims/{id}/verdict-proposals",
                new { rating = "Weak", rationale = "One local media report; no other source yet." }, etag);
            await Expect.Status(proposal, HttpStatusCode.Created);
            forConfirmation.Enqueue((id, (await proposal.Json()).GetProperty("id").GetGuid(), proposal.Headers.ETag!.Tag));
        }
        return new Pools(forUpload, forTriage, forProposal, forConfirmation, all);
    }

    // ---- checking --------------------------------------------------------------------------------------------------

    private async Task VerifyAsync(ApiProcess api, People people, DatabaseProvider provider, string connectionString, List<Outcome> outcomes, Pools pools)
    {
        var failures = new List<string>();
        var claims = await AllClaimsAsync(people.Coordinator);
        var byMarker = claims.Where(c => c.ExternalId is not null).ToLookup(c => c.ExternalId!);
        var audit = (await AllAsync(people.Coordinator, "/api/v1/audit")).ToLookup(e => e.GetProperty("targetId").GetString() ?? "");

        foreach (var o in outcomes)
        {
            var acknowledged = o.Status is >= 200 and < 300;
            var refused = o.Status >= 400;
            switch (o.Kind)
            {
                case Kind.Submit:
                    {
                        var found = byMarker[o.Marker].ToList();
                        if (found.Count > 1)
                            failures.Add($"submission {o.Marker} made {found.Count} claims");
                        if (acknowledged && (found.Count != 1 || found[0].Id != o.CreatedId))
                            failures.Add($"submission {o.Marker} answered {o.Status} with claim {o.CreatedId}, which is not there after the restart");
                        if (refused && found.Count > 0)
                            failures.Add($"submission {o.Marker} was refused with {o.Status} but made claim {found[0].Id}");
                        break;
                    }
                case Kind.Upload:
                    {
                        var items = await AllAsync(people.Investigator, $"/api/v1/claims/{o.ClaimId}/evidence");
                        var found = items.Where(e => e.GetProperty("sha256").GetString() == o.Marker).ToList();
                        if (found.Count > 1)
                            failures.Add($"upload {o.Marker[..12]} made {found.Count} evidence items");
                        if (acknowledged && (found.Count != 1 || found[0].GetProperty("id").GetGuid() != o.CreatedId))
                            failures.Add($"upload {o.Marker[..12]} answered {o.Status} with evidence {o.CreatedId}, which is not there after the restart");
                        if (refused && found.Count > 0)
                            failures.Add($"upload {o.Marker[..12]} was refused with {o.Status} but made evidence {found[0].GetProperty("id")}");
                        foreach (var item in found)
                        {
                            using var bytes = await people.Investigator.GetAsync($"/api/v1/evidence/{item.GetProperty("id").GetGuid()}/content");
                            if (bytes.StatusCode != HttpStatusCode.OK)
                                failures.Add($"evidence {item.GetProperty("id")} is listed but its content answers {(int)bytes.StatusCode}");
                            else if (Convert.ToHexStringLower(SHA256.HashData(await bytes.Content.ReadAsByteArrayAsync())) != o.Marker)
                                failures.Add($"evidence {item.GetProperty("id")} serves bytes that are not the ones uploaded");
                        }
                        break;
                    }
                case Kind.Triage:
                    {
                        var status = claims.Single(c => c.Id == o.ClaimId).Status;
                        if (acknowledged && status != "InCorroboration")
                            failures.Add($"triage of {o.ClaimId} answered {o.Status} but the claim is {status}");
                        if (refused && status != "Submitted")
                            failures.Add($"triage of {o.ClaimId} was refused with {o.Status} but the claim is {status}");
                        if (!acknowledged && !refused && status is not ("Submitted" or "InCorroboration"))
                            failures.Add($"triage of {o.ClaimId} got no answer and left the claim {status}");
                        break;
                    }
                case Kind.Propose:
                    {
                        var status = claims.Single(c => c.Id == o.ClaimId).Status;
                        var proposals = await AllAsync(people.ReviewerA, $"/api/v1/claims/{o.ClaimId}/verdict-proposals");
                        if (acknowledged && (status != "VerdictProposed" || proposals.Count != 1 || proposals[0].GetProperty("id").GetGuid() != o.CreatedId))
                            failures.Add($"proposal on {o.ClaimId} answered {o.Status} but the claim is {status} with {proposals.Count} proposals");
                        if (refused && (status != "InCorroboration" || proposals.Count != 0))
                            failures.Add($"proposal on {o.ClaimId} was refused with {o.Status} but the claim is {status} with {proposals.Count} proposals");
                        if (!acknowledged && !refused && !((status == "InCorroboration" && proposals.Count == 0) || (status == "VerdictProposed" && proposals.Count == 1)))
                            failures.Add($"proposal on {o.ClaimId} got no answer and left the claim {status} with {proposals.Count} proposals");
                        break;
                    }
                case Kind.Confirm:
                    {
                        var status = claims.Single(c => c.Id == o.ClaimId).Status;
                        var proposal = (await AllAsync(people.ReviewerA, $"/api/v1/claims/{o.ClaimId}/verdict-proposals"))
                            .Single(p => p.GetProperty("id").GetString() == o.Marker).GetProperty("status").GetString();
                        var done = status == "Decided" && proposal == "Confirmed";
                        var untouched = status == "VerdictProposed" && proposal == "Pending";
                        if (acknowledged && !done)
                            failures.Add($"confirmation on {o.ClaimId} answered {o.Status} but the claim is {status}, the proposal {proposal}");
                        if (refused && !untouched)
                            failures.Add($"confirmation on {o.ClaimId} was refused with {o.Status} but the claim is {status}, the proposal {proposal}");
                        if (!done && !untouched)
                            failures.Add($"confirmation on {o.ClaimId} left the claim {status} and the proposal {proposal}: half done");
                        break;
                    }
            }
        }

        // All or nothing, for every claim this cycle touched: each change wrote one history event and one audit entry
        // in one transaction, so the two counts agree unless a crash split a change; each evidence item's intake wrote
        // its custody event in the same transaction. (Custody events of reads are not audited, so they are left out.)
        var touched = pools.All.Concat(outcomes.Where(o => o.Kind == Kind.Submit).SelectMany(o => byMarker[o.Marker]).Select(c => c.Id)).Distinct();
        foreach (var claimId in touched)
        {
            var history = await AllAsync(people.Coordinator, $"/api/v1/claims/{claimId}/history");
            var actions = history.Select(h => h.GetProperty("action").GetString()!).ToList();
            var changes = actions.Count(a => !a.StartsWith("Custody", StringComparison.Ordinal));
            // "EvidenceAdded" names its item in the details; the intake custody event carries the id.
            var evidence = history.Where(h => h.GetProperty("action").GetString() == "CustodyIntake")
                .Select(h => h.GetProperty("evidenceId").GetString()!).ToList();
            var audited = audit[claimId.ToString()].Count() + evidence.Sum(e => audit[e].Count());
            if (changes != audited)
                failures.Add($"claim {claimId} has {changes} history events but {audited} audit entries: {string.Join(", ", actions)}");
            if (evidence.Count != actions.Count(a => a == "EvidenceAdded"))
                failures.Add($"claim {claimId} has {actions.Count(a => a == "EvidenceAdded")} evidence events but {evidence.Count} intake custody events");
            if (actions.Count == 0 || actions[0] != "Submitted")
                failures.Add($"claim {claimId} exists without its submission event");
        }

        var verify = await (await people.Coordinator.GetAsync("/api/v1/audit/verify")).Json();
        if (!verify.GetProperty("valid").GetBoolean())
            failures.Add($"the audit chain does not verify after the restart: {verify}");

        // Every evidence row's bytes are in the store; the interrupted uploads' temporary files were swept at start.
        var store = EvidencePath;
        await using (var db = new VerificationDb(new DbContextOptionsBuilder<VerificationDb>().UseVerificationDatabase(provider, connectionString).Options))
        {
            var rows = await db.Evidence.Where(e => e.HasContent).Select(e => new { e.Id, e.Sha256, e.SizeBytes }).ToListAsync();
            foreach (var row in rows)
            {
                var path = Path.Combine(store, row.Sha256[..2], row.Sha256[2..4], row.Sha256);
                if (!File.Exists(path) || new FileInfo(path).Length != row.SizeBytes)
                    failures.Add($"evidence {row.Id} has no bytes (or the wrong number of bytes) in the store");
            }
            var referenced = rows.Select(r => r.Sha256).ToHashSet();
            // Bytes go into place before their row commits, so a kill between the two leaves a stored file that no row
            // names. The product does not promise to sweep those (another instance may be about to commit its row), and
            // they lose nothing; they are counted for the report.
            // The folder appears with the first upload that reaches the API; a cycle killed before one has none.
            Orphans = !Directory.Exists(store) ? 0 : Directory.EnumerateFiles(store, "*", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}.tmp{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .Count(f => !referenced.Contains(Path.GetFileName(f)));
        }
        var temporary = Path.Combine(store, ".tmp");
        if (Directory.Exists(temporary) && Directory.EnumerateFiles(temporary).Any())
            failures.Add($"temporary upload files survived the start-up sweep: {string.Join(", ", Directory.EnumerateFiles(temporary).Select(Path.GetFileName))}");

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures) + $"{Environment.NewLine}API output:{Environment.NewLine}{api.Output}");
    }

    private string EvidencePath => Path.Combine(_folder, "evidence");

    /// <summary>Stored files without an evidence row, seen after the last restart.</summary>
    private int Orphans { get; set; }

    private sealed record ClaimRow(Guid Id, string Status, string? ExternalId);

    private static async Task<List<ClaimRow>> AllClaimsAsync(HttpClient coordinator) =>
        [.. (await AllAsync(coordinator, "/api/v1/claims")).Select(c => new ClaimRow(c.GetProperty("id").GetGuid(), c.GetProperty("status").GetString()!,
            c.GetProperty("externalId").ValueKind == JsonValueKind.String ? c.GetProperty("externalId").GetString() : null))];

    /// <summary>Every item of a keyset-paged list, following the cursors.</summary>
    private static async Task<List<JsonElement>> AllAsync(HttpClient client, string path)
    {
        var items = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var separator = path.Contains('?') ? '&' : '?';
            var response = await client.GetAsync($"{path}{separator}limit=200{(cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")}");
            await Expect.Status(response, HttpStatusCode.OK);
            var page = await response.Json();
            items.AddRange(page.GetProperty("items").EnumerateArray().Select(e => e.Clone()));
            cursor = page.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);
        return items;
    }

    private Task<ApiProcess> StartAsync(IDictionary<string, string?> settings) => ApiProcess.StartReadyAsync(_folder, settings);
}
