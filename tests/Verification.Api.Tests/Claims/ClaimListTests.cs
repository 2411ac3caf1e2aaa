using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Tests.Infrastructure;
using Verification.Domain.Claims;
using Verification.Persistence;

namespace Verification.Api.Tests.Claims;

/// <summary>The claim list: each filter, its refusals, and keyset paging that never repeats or skips a claim.</summary>
public sealed class ClaimListTests(SqliteApiFixture fixture) : IClassFixture<SqliteApiFixture>
{
    private TestApi Api => fixture.Api;

    // An investigator sees only their own claims, so a fresh one gives each test a list nobody else writes to.

    [Fact]
    public async Task Status_filters_by_stage()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var reviewer = await Api.NewPersonAsync("Reviewer");
        var submitted = await Submit(investigator);
        var accepted = await Submit(investigator);
        var rejected = await Submit(investigator);
        await Expect.Status(await reviewer.Client.PostWithIfMatch($"/api/v1/claims/{accepted}/triage", new { decision = "Accept" },
            await reviewer.Client.ETagOf(accepted)), HttpStatusCode.OK);
        await Expect.Status(await reviewer.Client.PostWithIfMatch($"/api/v1/claims/{rejected}/triage", new { decision = "Reject", reason = "Out of scope" },
            await reviewer.Client.ETagOf(rejected)), HttpStatusCode.OK);

        Assert.Equal([submitted], await Ids(investigator, "status=Submitted"));
        Assert.Equal([accepted], await Ids(investigator, "status=InCorroboration"));
        Assert.Equal([rejected], await Ids(investigator, "status=Rejected"));
        Assert.Empty(await Ids(investigator, "status=Decided"));
        await Expect.Problem(await investigator.Client.GetAsync("/api/v1/claims?status=Pending"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task CountryCode_filters_by_country_in_either_case()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var mali = await Submit(investigator);
        var burkina = await Submit(investigator, c => c["incident"]!["location"]!["countryCode"] = "BF");

        Assert.Equal([mali], await Ids(investigator, "countryCode=ML"));
        Assert.Equal([burkina], await Ids(investigator, "countryCode=bf"));
        Assert.Empty(await Ids(investigator, "countryCode=NE"));
        await Expect.ValidationProblem(await investigator.Client.GetAsync("/api/v1/claims?countryCode=MLI"), "countryCode");
    }

    [Fact]
    public async Task ViolationType_finds_claims_that_name_it_among_others()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var attack = await Submit(investigator);
        var detention = await Submit(investigator, c => c["violationTypes"] = new JsonArray("Torture", "ArbitraryDetention"));

        Assert.Equal([detention], await Ids(investigator, "violationType=ArbitraryDetention"));
        Assert.Equal([detention], await Ids(investigator, "violationType=Torture"));
        Assert.Equal([attack], await Ids(investigator, "violationType=AttackCivilianHarm"));
        Assert.Empty(await Ids(investigator, "violationType=SexualViolence"));
    }

    [Fact]
    public async Task From_and_to_find_incidents_whose_dates_overlap_the_range()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var kidal = await Submit(investigator); // 2024-03-29 .. 2024-03-30
        var january = await Submit(investigator, c =>
        {
            c["incident"]!["startDate"] = "2023-01-01";
            c["incident"]!["endDate"] = "2023-01-31";
            c["incident"]!["timePrecision"] = "Month";
        });
        var june = await Submit(investigator, c =>
        {
            c["incident"]!["startDate"] = "2024-06-01";
            c["incident"]!["endDate"] = "2024-06-01";
        });

        Assert.Equal([kidal], await Ids(investigator, "from=2024-03-30&to=2024-05-31"));
        Assert.Equal([january], await Ids(investigator, "from=2023-01-15&to=2023-01-15"));
        Assert.Equal(new[] { june, kidal }, await Ids(investigator, "from=2024-03-30"));
        Assert.Equal(new[] { january, kidal }, await Ids(investigator, "to=2024-03-29"));
        Assert.Empty(await Ids(investigator, "from=2024-03-31&to=2024-05-31"));
        await Expect.Problem(await investigator.Client.GetAsync("/api/v1/claims?from=2024-05-01&to=2024-04-01"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Q_finds_title_text_and_a_reference()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var token = Guid.NewGuid().ToString("N")[..10];
        var titled = await Submit(investigator, c => c["title"] = $"Shelling of the Gao market ({token})");
        var other = await Submit(investigator);

        Assert.Equal([titled], await Ids(investigator, $"q={token.ToUpperInvariant()}"));
        Assert.Equal([titled], await Ids(investigator, "q=gao%20MARKET"));

        var reference = (await (await investigator.Client.GetAsync($"/api/v1/claims/{other}")).Json()).GetProperty("reference").GetString()!;
        Assert.Equal([other], await Ids(investigator, $"q={reference}"));
        Assert.Equal([other], await Ids(investigator, $"q={reference.ToLowerInvariant()}"));
        // A reviewer, who sees every claim, finds exactly that one too.
        var reviewer = await Api.NewPersonAsync("Reviewer");
        Assert.Equal([other], await Ids(reviewer, $"q={reference}"));
    }

    [Fact]
    public async Task ImportId_of_no_import_finds_nothing()
    {
        var reviewer = await Api.NewPersonAsync("Reviewer");
        var investigator = await Api.NewPersonAsync("Investigator");
        await Submit(investigator);
        Assert.NotEmpty(await Ids(reviewer, ""));
        Assert.Empty(await Ids(reviewer, $"importId={Guid.NewGuid()}"));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=-5", "limit")]
    [InlineData("cursor=!!not-ours!!", "cursor")]
    [InlineData("cursor=bm90LWEtbnVtYmVy", "cursor")] // base64url of "not-a-number"
    public async Task A_limit_outside_1_to_200_or_a_cursor_we_did_not_issue_is_400(string query, string field)
    {
        var reviewer = await Api.NewPersonAsync("Reviewer");
        await Expect.ValidationProblem(await reviewer.Client.GetAsync($"/api/v1/claims?{query}"), field);
    }

    [Fact]
    public async Task Limits_1_and_200_are_accepted()
    {
        var investigator = await Api.NewPersonAsync("Investigator");
        var first = await Submit(investigator);
        var second = await Submit(investigator);
        var page = await (await investigator.Client.GetAsync("/api/v1/claims?limit=1")).Json();
        Assert.Equal(second, Assert.Single(page.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        var next = await (await investigator.Client.GetAsync($"/api/v1/claims?limit=200&cursor={page.GetProperty("nextCursor").GetString()}")).Json();
        Assert.Equal(first, Assert.Single(next.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal(JsonValueKind.Null, next.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task The_same_Idempotency_Key_from_another_investigator_is_a_new_claim()
    {
        var first = await Api.NewPersonAsync("Investigator");
        var second = await Api.NewPersonAsync("Investigator");
        async Task<Guid> Send(Person who)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/claims") { Content = JsonContent.Create(Kidal.Claim()) };
            request.Headers.Add("Idempotency-Key", "shared-key-1");
            var response = await who.Client.SendAsync(request);
            await Expect.Status(response, HttpStatusCode.Created);
            return (await response.Json()).GetProperty("id").GetGuid();
        }

        var mine = await Send(first);
        var theirs = await Send(second);
        Assert.NotEqual(mine, theirs);
        Assert.Equal(mine, await Send(first));
        Assert.Equal(theirs, await Send(second));
        Assert.Equal(second.Id, (await (await second.Client.GetAsync($"/api/v1/claims/{theirs}")).Json()).GetProperty("submittedBy").GetGuid());
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Forty_simultaneous_submissions_get_forty_distinct_references_and_numbers(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider);
        var investigators = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => api.NewPersonAsync("Investigator")));
        using var start = new SemaphoreSlim(0);
        var submissions = Enumerable.Range(0, 40).Select(async i =>
        {
            await start.WaitAsync();
            var response = await investigators[i % 4].Client.PostAsJsonAsync("/api/v1/claims", Kidal.Claim());
            await Expect.Status(response, HttpStatusCode.Created);
            return await response.Json();
        }).ToList();
        start.Release(40);
        var claims = await Task.WhenAll(submissions);

        var references = claims.Select(c => c.GetProperty("reference").GetString()!).ToList();
        Assert.Equal(40, references.Distinct().Count());
        Assert.Equal(40, claims.Select(c => c.GetProperty("id").GetGuid()).Distinct().Count());
        var numbers = references.Select(r => long.Parse(r.Split('-')[2])).ToList();
        Assert.Equal(40, numbers.Distinct().Count());
        Assert.All(references, r => Assert.Matches(@"^VC-\d{4}-\d{6}$", r));
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Paging_through_ten_thousand_claims_while_others_are_submitted_returns_each_exactly_once(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider);
        var reviewer = await api.NewPersonAsync("Reviewer");
        var investigator = await api.NewPersonAsync("Investigator");
        var seeded = await SeedAsync(api, reviewer.Id, 10_000);

        using var stop = new CancellationTokenSource();
        var submittedDuring = new ConcurrentBag<Guid>();
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var (claim, _) = await investigator.Client.SubmitClaimAsync();
                submittedDuring.Add(claim.GetProperty("id").GetGuid());
            }
        });

        var seen = new List<Guid>();
        var numbers = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var response = await reviewer.Client.GetAsync("/api/v1/claims?limit=200" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            await Expect.Status(response, HttpStatusCode.OK);
            var page = await response.Json();
            foreach (var claim in page.GetProperty("items").EnumerateArray())
            {
                seen.Add(claim.GetProperty("id").GetGuid());
                numbers.Add(long.Parse(claim.GetProperty("reference").GetString()!.Split('-')[2]));
            }
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        } while (cursor is not null && pages < 500);
        await stop.CancelAsync();
        await writer;

        Assert.True(submittedDuring.Count > 0, "no claim was submitted while paging: the test proves less than it says");
        var duplicates = seen.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"{duplicates.Count} claims were returned twice");
        var missing = seeded.Where(id => !seen.Contains(id)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of the seeded claims were never returned");
        Assert.Equal(numbers.OrderDescending(), numbers); // newest first, throughout
    }

    /// <summary>
    /// Claims written through the domain and EF Core in batches, not over HTTP: ten thousand submissions would take
    /// minutes and prove nothing more about paging. Numbers come from ClaimNumbers exactly as the submission does.
    /// </summary>
    private static async Task<HashSet<Guid>> SeedAsync(TestApi api, Guid submittedBy, int count)
    {
        var ids = new HashSet<Guid>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        for (var done = 0; done < count; done += 1000)
        {
            using var scope = api.Factory.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            var now = DateTime.UtcNow;
            var numbers = Enumerable.Range(0, Math.Min(1000, count - done)).Select(_ => new ClaimNumber { IssuedAt = now }).ToList();
            db.ClaimNumbers.AddRange(numbers);
            await db.SaveChangesAsync();
            foreach (var number in numbers)
            {
                var details = ClaimDetails.Create($"Seeded claim {number.Id}", "Written in bulk for the paging test.", [ViolationType.AttackCivilianHarm],
                    Incident.Create(new DateOnly(2024, 3, 29), new DateOnly(2024, 3, 30), TimePrecision.Day, today),
                    Location.Create("Kidal", "ML", "Kidal", null, 18.4411, 1.4078, GeoPrecision.NearbyTown),
                    [new Perpetrator("Unknown", PerpetratorType.Unknown)], null, [new Source(SourceType.LocalMedia, "Seed", null)]);
                var claim = Claim.Submit(Guid.CreateVersion7(), number.Id, submittedBy, now, details);
                db.Claims.Add(claim);
                ids.Add(claim.Id);
            }
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }
        return ids;
    }

    private static async Task<Guid> Submit(Person investigator, Action<JsonObject>? change = null)
    {
        var claim = Kidal.Claim();
        change?.Invoke(claim);
        var (body, _) = await investigator.Client.SubmitClaimAsync(claim);
        return body.GetProperty("id").GetGuid();
    }

    /// <summary>Every id the query returns, across all pages, in order.</summary>
    private static async Task<List<Guid>> Ids(Person who, string query)
    {
        var ids = new List<Guid>();
        string? cursor = null;
        do
        {
            var response = await who.Client.GetAsync($"/api/v1/claims?limit=200&{query}" + (cursor is null ? "" : $"&cursor={cursor}"));
            await Expect.Status(response, HttpStatusCode.OK);
            var page = await response.Json();
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
        } while (cursor is not null);
        return ids;
    }
}
