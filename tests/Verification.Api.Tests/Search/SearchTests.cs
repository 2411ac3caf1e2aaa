using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Search;

/// <summary>
/// Full-text search on GET /api/v1/claims (issue 16): every searched field, accents and case both ways, relevance order
/// and its paging, the perpetrator filter, bbox with q, what never matches (a witness's name), and the refusals. Each
/// test writes words of its own (a random marker), so the claims of other tests never match.
/// </summary>
public sealed class SearchTests(ProvidersFixture fixture) : IClassFixture<ProvidersFixture>
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Accents_and_case_are_ignored_both_ways(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var marker = Marker();
        var accented = await Submit(investigator.Client, c => c["title"] = $"Frappe aérienne à Ségou {marker}");
        var plain = await Submit(investigator.Client, c => c["title"] = $"Air strike near SEGOU {marker}");
        var polish = await Submit(investigator.Client, c => c["summary"] = $"Reported in Łódź and Straße {marker}.");

        foreach (var q in new[] { $"segou {marker}", $"Ségou {marker}", $"SÉGOU {marker.ToUpperInvariant()}", $"sEgOu {marker}" })
            Assert.Equal(new[] { accented, plain }.Order(), (await Ids(investigator.Client, Url(q))).Order());
        Assert.Equal([accented], await Ids(investigator.Client, Url($"aerienne {marker}")));
        Assert.Equal([polish], await Ids(investigator.Client, Url($"lodz strasse {marker}")));
        // Whole words: a part of a word is not a match, unless the query asks for a prefix with '*'.
        Assert.Empty(await Ids(investigator.Client, Url($"sego {marker}")));
        Assert.Equal(new[] { accented, plain }.Order(), (await Ids(investigator.Client, Url($"Ség* {marker}"))).Order());
        // Every word must match.
        Assert.Empty(await Ids(investigator.Client, Url($"segou {marker} kharkiv")));
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Every_listed_field_is_searched_and_a_witness_never_matches(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var words = Enumerable.Range(0, 12).Select(_ => Marker()).ToArray();
        var inTitle = await Submit(investigator.Client, c => c["title"] = $"Shelling {words[0]}");
        var inSummary = await Submit(investigator.Client, c => c["summary"] = $"A long account {words[1]} of the night.");
        var inPlace = await Submit(investigator.Client, c => c["incident"]!["location"]!["placeName"] = $"Anefis {words[2]}");
        var inAdmin1 = await Submit(investigator.Client, c => c["incident"]!["location"]!["admin1"] = $"Region {words[3]}");
        var inAdmin2 = await Submit(investigator.Client, c => c["incident"]!["location"]!["admin2"] = $"Cercle {words[4]}");
        var inPerpetrator = await Submit(investigator.Client, c => c["perpetrators"] = new JsonArray(
            new JsonObject { ["name"] = $"Brigade {words[5]}", ["type"] = "NonStateArmedGroup" }));
        var inSource = await Submit(investigator.Client, c => c["sources"] = new JsonArray(
            new JsonObject { ["type"] = "NgoReport", ["description"] = $"Field report {words[6]}" }));
        var withEvidence = await Submit(investigator.Client, _ => { });
        await AddEvidence(investigator.Client, withEvidence, new
        {
            kind = "Link",
            url = "https://example.org/a",
            title = $"Footage {words[7]}",
            description = $"Filmed from a roof {words[8]}",
            origin = "Resident",
            stance = "Supports"
        });
        await AddEvidence(investigator.Client, withEvidence, new
        {
            kind = "Testimony",
            origin = "Resident",
            stance = "Supports",
            testimony = new { text = $"I heard the drones {words[9]}", witness = new { name = $"Aminata {words[10]}", contact = $"+223 {words[11]}" } },
        });

        var expected = new[] { inTitle, inSummary, inPlace, inAdmin1, inAdmin2, inPerpetrator, inSource, withEvidence, withEvidence, withEvidence };
        for (var i = 0; i < expected.Length; i++)
            Assert.Equal([expected[i]], await Ids(investigator.Client, Url(words[i])));
        // The witness's name and contact are never searched, by anyone.
        var coordinator = await api.CoordinatorAsync();
        Assert.Empty(await Ids(investigator.Client, Url(words[10])));
        Assert.Empty(await Ids(coordinator, Url(words[10])));
        Assert.Empty(await Ids(coordinator, Url(words[11])));
        // The search text follows an edit: the old title's word no longer finds the claim, the new one does.
        var edited = await investigator.Client.SendAsync(new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/claims/{inTitle}")
        {
            Content = new StringContent($$"""{"title":"Shelling reported {{words[1]}}x"}""", System.Text.Encoding.UTF8, "application/merge-patch+json"),
            Headers = { { "If-Match", await investigator.Client.ETagOf(inTitle) } },
        });
        await Expect.Status(edited, HttpStatusCode.OK);
        Assert.Empty(await Ids(investigator.Client, Url(words[0])));
        Assert.Equal([inTitle], await Ids(investigator.Client, Url(words[1] + "x")));
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Relevance_ranks_a_title_match_above_a_source_match_and_pages_without_duplicates(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var marker = Marker();
        var inTitle = await Submit(investigator.Client, c => c["title"] = $"Checkpoint {marker}");
        var inPlace = await Submit(investigator.Client, c => c["incident"]!["location"]!["placeName"] = $"Town {marker}");
        var inSummary = await Submit(investigator.Client, c => c["summary"] = $"Witnesses {marker} describe it.");
        var inSource = await Submit(investigator.Client, c => c["sources"] = new JsonArray(
            new JsonObject { ["type"] = "LocalMedia", ["description"] = $"Radio {marker}" }));
        var inSource2 = await Submit(investigator.Client, c => c["sources"] = new JsonArray(
            new JsonObject { ["type"] = "LocalMedia", ["description"] = $"Radio {marker}" }));

        // Newest first by default; by relevance the title match leads and the source matches come last.
        Assert.Equal([inSource2, inSource, inSummary, inPlace, inTitle], await Ids(investigator.Client, Url(marker)));
        Assert.Equal([inSource2, inSource, inSummary, inPlace, inTitle], await Ids(investigator.Client, Url(marker) + "&sort=newest"));
        var ranked = await Ids(investigator.Client, Url(marker) + "&sort=relevance");
        Assert.Equal([inTitle, inPlace, inSummary, inSource2, inSource], ranked);

        // Page by two: every claim once, in the same order, while another claim is written between pages.
        var paged = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Page(investigator.Client, Url(marker, 2) + "&sort=relevance" + (cursor is null ? string.Empty : $"&cursor={cursor}"));
            paged.AddRange(page.Ids);
            cursor = page.NextCursor;
            if (pages++ == 0)
                await Submit(investigator.Client, c => c["title"] = $"Unrelated {Marker()}");
        }
        while (cursor is not null && pages < 10);
        Assert.Equal(ranked, paged);
        Assert.Equal(3, pages);

        // A cursor of one order is refused by the other.
        var first = await Page(investigator.Client, Url(marker, 2) + "&sort=relevance");
        await Expect.ValidationProblem(await investigator.Client.GetAsync(Url(marker, 2) + $"&cursor={first.NextCursor}"), "cursor");
        var newest = await Page(investigator.Client, Url(marker, 2));
        await Expect.ValidationProblem(await investigator.Client.GetAsync(Url(marker, 2) + $"&sort=relevance&cursor={newest.NextCursor}"), "cursor");
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Perpetrator_bbox_and_the_reference_shortcut_combine_with_q(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var marker = Marker();
        var lon = Math.Round(Random.Shared.NextDouble() * 100 - 50, 3);
        var lat = Math.Round(Random.Shared.NextDouble() * 60 - 30, 3);
        var armee = await Submit(investigator.Client, c =>
        {
            c["title"] = $"Raid {marker}";
            c["perpetrators"] = new JsonArray(new JsonObject { ["name"] = $"Forces Armées {marker} du Nord", ["type"] = "StateForce" });
            c["incident"]!["location"]!["latitude"] = lat;
            c["incident"]!["location"]!["longitude"] = lon;
        });
        var corner = await Submit(investigator.Client, c =>
        {
            c["title"] = $"Raid {marker}";
            c["incident"]!["location"]!["latitude"] = lat + 1;
            c["incident"]!["location"]!["longitude"] = lon + 1;
        });
        var outside = await Submit(investigator.Client, c =>
        {
            c["title"] = $"Raid {marker}";
            c["incident"]!["location"]!["latitude"] = lat + 0.5;
            c["incident"]!["location"]!["longitude"] = lon + 1.0001;
        });

        Assert.Equal([armee], await Ids(investigator.Client, $"/api/v1/claims?perpetrator={Uri.EscapeDataString($"FORCES ARMEES {marker}")}"));
        Assert.Equal([armee], await Ids(investigator.Client, $"/api/v1/claims?perpetrator={Uri.EscapeDataString($"armées {marker} du nord")}&q=raid"));
        Assert.Empty(await Ids(investigator.Client, $"/api/v1/claims?perpetrator={Uri.EscapeDataString($"{marker} armees")}"));
        Assert.Empty(await Ids(investigator.Client, $"/api/v1/claims?perpetrator={Uri.EscapeDataString($"Forces Armées {marker}")}&q=kidal&countryCode=UA"));

        var bbox = FormattableString.Invariant($"{lon},{lat},{lon + 1},{lat + 1}");
        Assert.Equal(new[] { armee, corner }.Order(), (await Ids(investigator.Client, Url(marker) + $"&bbox={bbox}")).Order());
        Assert.Equal(new[] { armee, corner, outside }.Order(), (await Ids(investigator.Client, Url(marker))).Order());

        var reference = (await (await investigator.Client.GetAsync($"/api/v1/claims/{corner}")).Json()).GetProperty("reference").GetString()!;
        Assert.Equal([corner], await Ids(investigator.Client, Url(reference.ToLowerInvariant())));
        Assert.Equal([corner], await Ids(investigator.Client, Url(reference) + "&sort=relevance"));
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Bad_search_input_is_a_validation_problem(DatabaseProvider provider)
    {
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        await Expect.ValidationProblem(await investigator.Client.GetAsync(Url(new string('a', 201))), "q");
        await Expect.ValidationProblem(await investigator.Client.GetAsync(Url(string.Join(' ', Enumerable.Range(0, 13).Select(i => $"w{i}")))), "q");
        await Expect.ValidationProblem(await investigator.Client.GetAsync("/api/v1/claims?sort=relevance"), "sort");
        await Expect.ValidationProblem(await investigator.Client.GetAsync("/api/v1/claims?perpetrator=%20-%20"), "perpetrator");
        await Expect.ValidationProblem(await investigator.Client.GetAsync("/api/v1/claims?q=kidal&bbox=1,2,3"), "bbox");
        await Expect.ValidationProblem(await investigator.Client.GetAsync("/api/v1/claims?q=kidal&bbox=0,0,181,1"), "bbox");
        await Expect.ValidationProblem(await investigator.Client.GetAsync("/api/v1/claims?q=kidal&sort=best"), "sort");
        // Punctuation alone searches nothing and matches nothing; quotes and operators are words, never syntax.
        await Expect.Status(await investigator.Client.GetAsync(Url("\"*\" OR -")), HttpStatusCode.OK);
        await Expect.Status(await investigator.Client.GetAsync(Url("NEAR(a b) \" ' : ^ {Title}")), HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_noncharacter_in_a_claims_text_is_kept_and_separates_words_in_search(DatabaseProvider provider)
    {
        // U+FFFE is valid Unicode (a noncharacter, a byte-swapped byte-order mark when text was copied badly) and valid
        // JSON, but .NET's normalization refuses it: folding the claim for search threw, and the submission failed.
        var api = await fixture.For(provider);
        var investigator = await api.NewPersonAsync("Investigator");
        var marker = Marker();
        var title = $"Kidal\uFFFEstrike {marker}";
        var id = await Submit(investigator.Client, c =>
        {
            c["title"] = title;
            c["summary"] = "Reported\uFFFE by a local radio in Ségou\uFFFE.";
            c["perpetrators"]![0]!["name"] = "Armed\uFFFEgroup";
        });

        var stored = await investigator.Client.GetFromJsonAsync<JsonElement>($"/api/v1/claims/{id}");
        Assert.Equal(title, stored.GetProperty("title").GetString());
        Assert.Equal([id], await Ids(investigator.Client, Url($"kidal strike {marker}")));
        Assert.Equal([id], await Ids(investigator.Client, Url($"segou {marker}")));
        Assert.Equal([id], await Ids(investigator.Client, $"/api/v1/claims?perpetrator={Uri.EscapeDataString("armed group")}&q={marker}"));
    }

    internal static string Marker() => "zq" + Guid.NewGuid().ToString("N")[..12];

    internal static string Url(string q, int limit = 200) => $"/api/v1/claims?limit={limit}&q={Uri.EscapeDataString(q)}";

    private static async Task<Guid> Submit(HttpClient client, Action<JsonObject> change)
    {
        var claim = Kidal.Claim();
        change(claim);
        var (body, _) = await client.SubmitClaimAsync(claim);
        return body.GetProperty("id").GetGuid();
    }

    private static async Task AddEvidence(HttpClient client, Guid claimId, object metadata)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/claims/{claimId}/evidence", metadata);
        await Expect.Status(response, HttpStatusCode.Created);
    }

    internal static async Task<List<Guid>> Ids(HttpClient client, string url) => (await Page(client, url)).Ids;

    private static async Task<(List<Guid> Ids, string? NextCursor)> Page(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        await Expect.Status(response, HttpStatusCode.OK);
        var body = await response.Json();
        return ([.. body.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid())],
            body.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : body.GetProperty("nextCursor").GetString());
    }
}
