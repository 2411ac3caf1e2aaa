using System.Net;
using System.Text.Json;
using Verification.Benchmarks.Floor;
using Verification.Benchmarks.Hosting;
using Verification.Benchmarks.Report;
using Verification.Persistence;

namespace Verification.Benchmarks.Load;

/// <summary>
/// Issue 18's baselines beside the floor: the bare host (<see cref="BareHost"/>) for <c>/health/live</c> and for the
/// reads (stored JSON by id, the 50 newest stored rows), and the conditional read (<c>If-None-Match</c> with the
/// claim's ETag) against reading the claim. Our result of each read figure is the one the suite has just measured
/// against the floor; the bare host is measured right after it, on the same database server.
/// </summary>
public sealed class BareBaselines : IAsyncDisposable
{
    public const string HealthName = "anonymous /health/live";
    public const string ConditionalName = "conditional read answered 304 (reviewer, If-None-Match)";

    /// <summary>The read figures that get the stored-JSON baseline, with what the bare host answers for them.</summary>
    private static readonly Dictionary<string, Func<LoadContext, LoadRequest>> StoredJson = new()
    {
        [HttpFigure.All[0].Name] = c => new LoadRequest(HttpMethod.Get, [.. c.ClaimIds.Select(id => $"/api/v1/claims/{id}")], null, null),
        [HttpFigure.All[1].Name] = _ => new LoadRequest(HttpMethod.Get, ["/api/v1/claims?limit=50"], null, null),
        [HttpFigure.All[2].Name] = _ => new LoadRequest(HttpMethod.Get, ["/api/v1/partner/claims?limit=50"], null, null),
    };

    private readonly ServerProcess _bare;
    private readonly IReadOnlyDictionary<Guid, string> _etags;
    private readonly HttpStatusCode _conditionalStatus;

    private BareBaselines(ServerProcess bare, IReadOnlyDictionary<Guid, string> etags, HttpStatusCode conditionalStatus)
    {
        _bare = bare;
        _etags = etags;
        _conditionalStatus = conditionalStatus;
    }

    public Uri BaseAddress => _bare.BaseAddress;

    public int Pid => _bare.Pid;

    /// <summary>
    /// Fills the bare host's table from the API's own answers (each sampled claim as the reviewer reads it, the
    /// reviewer's first list page, the partner's first page), then starts the bare host on it.
    /// </summary>
    public static async Task<BareBaselines> StartAsync(DatabaseProvider provider, string apiDatabase, string folder, ApiHost api, LoadContext context)
    {
        using var reviewer = api.Client(context.Tokens["Reviewer"]);
        using var partner = api.PartnerClient(context.Tokens[LoadContext.Partner]);
        var rows = new List<(int, Guid, long, byte[])>();
        var etags = new Dictionary<Guid, string>();
        for (var i = 0; i < context.ClaimIds.Count; i++)
        {
            using var response = await reviewer.GetAsync($"/api/v1/claims/{context.ClaimIds[i]}");
            response.EnsureSuccessStatusCode();
            rows.Add((BareDocuments.Staff, context.ClaimIds[i], i, await response.Content.ReadAsByteArrayAsync()));
            if (response.Headers.ETag is { } etag)
                etags[context.ClaimIds[i]] = etag.ToString();
        }
        // The pages: their rows are the newest, in the API's order.
        const long newest = 1L << 40;
        foreach (var (client, path, kind) in new[] { (reviewer, "/api/v1/claims?limit=50", BareDocuments.Staff), (partner, "/api/v1/partner/claims?limit=50", BareDocuments.Partner) })
        {
            using var page = JsonDocument.Parse(await client.GetStringAsync(path));
            var items = page.RootElement.GetProperty("items").EnumerateArray().ToList();
            for (var i = 0; i < items.Count; i++)
                rows.Add((kind, items[i].GetProperty("id").GetGuid(), newest - i, BareDocuments.Bytes(items[i])));
        }
        var connection = BareDocuments.ConnectionFor(provider, apiDatabase, folder);
        await new BareDocuments(provider, connection).FillAsync(rows);

        // Does the API answer 304 to a matching If-None-Match yet? The figure says so either way.
        var status = HttpStatusCode.OK;
        if (etags.Count > 0)
        {
            var (id, etag) = etags.First();
            using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/claims/{id}");
            conditional.Headers.TryAddWithoutValidation("If-None-Match", etag);
            using var answered = await reviewer.SendAsync(conditional);
            status = answered.StatusCode;
        }
        return new BareBaselines(await BareProcess.StartAsync(provider, connection, folder), etags, status);
    }

    /// <summary>Whether a figure of <see cref="HttpFigure.All"/> also gets the stored-JSON baseline.</summary>
    public static bool HasStoredJson(string figure) => StoredJson.ContainsKey(figure);

    public LoadRequest StoredJsonRequest(string figure, LoadContext context) => StoredJson[figure](context);

    /// <summary>The same figure against the bare host's stored JSON.</summary>
    public static Figure StoredJsonFigure(string section, string figure, PairedRounds.Result paired) => StoredJsonFigure(section, figure, paired.Ours, paired.Bare) with
    {
        Ratio = paired.MedianRatio,
        RatioMeaning = $"ours ÷ bare host, median of {paired.Ratios.Count} rounds",
        ValueDetail = StoredJsonFigure(section, figure, paired.Ours, paired.Bare).ValueDetail + "<br>" + paired.Detail,
        Note = StoredJsonFigure(section, figure, paired.Ours, paired.Bare).Note + " " + PairedRounds.Note,
    };

    public static Figure StoredJsonFigure(string section, string figure, LoadResult ours, LoadResult bare) => new()
    {
        Section = section,
        Name = figure + " vs stored JSON",
        Value = ours.Throughput,
        Unit = "req/s",
        ValueDetail = Latencies(ours),
        Baseline = bare.Throughput,
        BaselineName = "bare host: stored JSON, no auth",
        BaselineDetail = Latencies(bare),
        Ratio = bare.Throughput > 0 ? ours.Throughput / bare.Throughput : null,
        RatioMeaning = "ours ÷ bare host",
        TargetKind = TargetKind.AtLeast,
        Target = 0.6,
        TargetText = "≥ 0.6 × bare host req/s",
        Note = "Issue 18: the bare host returns the JSON the API answered, stored by id (read one) or the 50 newest stored rows " +
               "(pages), from a table of its own on the same database server; the table is filled from the API's own answers after seeding.",
    };

    public static LoadRequest Health() => new(HttpMethod.Get, ["/health/live"], null, null);

    public static Figure HealthFigure(string section, PairedRounds.Result paired) => HealthFigure(section, paired.Ours, paired.Bare) with
    {
        Ratio = paired.MedianRatio,
        RatioMeaning = $"ours ÷ bare host, median of {paired.Ratios.Count} rounds",
        ValueDetail = HealthFigure(section, paired.Ours, paired.Bare).ValueDetail + "<br>" + paired.Detail,
        Note = HealthFigure(section, paired.Ours, paired.Bare).Note + " " + PairedRounds.Note,
    };

    public static Figure HealthFigure(string section, LoadResult ours, LoadResult bare) => new()
    {
        Section = section,
        Name = HealthName,
        Value = ours.Throughput,
        Unit = "req/s",
        ValueDetail = Latencies(ours),
        Baseline = bare.Throughput,
        BaselineName = "bare minimal-API host",
        BaselineDetail = Latencies(bare),
        Ratio = bare.Throughput > 0 ? ours.Throughput / bare.Throughput : null,
        RatioMeaning = "ours ÷ bare host",
        TargetKind = TargetKind.AtLeast,
        Target = 0.8,
        TargetText = "≥ 0.8 × bare host req/s",
        Note = "The fixed cost of the request pipeline: no database work on either side.",
    };

    /// <summary>The sampled claims read with If-None-Match carrying each one's ETag (wrk sends it per path).</summary>
    public LoadRequest Conditional(LoadContext context) =>
        new(HttpMethod.Get, [.. context.ClaimIds.Where(_etags.ContainsKey).Select(id => $"/api/v1/claims/{id}\t{_etags[id]}")], null, context.Bearer("Reviewer"));

    public bool CanMeasureConditional => _etags.Count > 0;

    /// <summary>
    /// The 304 and the read from alternating rounds on the same API (the ratio is the rounds' median), with each one's
    /// rate and CPU per request measured alone beside them.
    /// </summary>
    public Figure ConditionalFigure(string section, PairedRounds.Result rounds, string conditionalAlone, string readAlone)
    {
        var figure = ConditionalFigure(section, rounds.Ours, rounds.Bare);
        return figure with
        {
            Ratio = rounds.MedianRatio,
            RatioMeaning = $"304 rate ÷ read rate, median of {rounds.Ratios.Count} alternating rounds",
            ValueDetail = figure.ValueDetail + "; alone: " + conditionalAlone + "<br>" + rounds.DetailAs(ConditionalRoundsName),
            BaselineDetail = figure.BaselineDetail + "; alone: " + readAlone,
        };
    }

    public const string ConditionalRoundsName = "304 ÷ read";

    public Figure ConditionalFigure(string section, LoadResult conditional, LoadResult read) => new()
    {
        Section = section,
        Name = ConditionalName,
        Value = conditional.Throughput,
        Unit = "req/s",
        ValueDetail = Latencies(conditional) + (_conditionalStatus == HttpStatusCode.NotModified
            ? "; answered 304"
            : $"; the API answered {(int)_conditionalStatus}, not 304, to a matching If-None-Match: this measures full reads"),
        Baseline = read.Throughput,
        BaselineName = "read one claim (reviewer), in the same rounds",
        BaselineDetail = Latencies(read),
        Ratio = read.Throughput > 0 ? conditional.Throughput / read.Throughput : null,
        RatioMeaning = "rate ÷ rate",
        TargetKind = TargetKind.AtLeast,
        Target = 1.5,
        TargetText = "≥ 1.5 × read one claim",
    };

    /// <summary>The 304 against the bare host's stored JSON by id: the stored-JSON figure's form, reported with no target (issue 18 states "304 ÷ read").</summary>
    public static Figure ConditionalAgainstStoredJson(string section, PairedRounds.Result paired) => StoredJsonFigure(section, ConditionalName, paired) with
    {
        BaselineName = "bare host: stored JSON by id, no auth",
        TargetKind = TargetKind.None,
        Target = null,
        TargetText = "none (reported beside 304 ÷ read)",
        Note = "A reviewer's 304 is the fixed cost of an authenticated request and a look at the claim versions the instance knows " +
               "current (ClaimVersions; on a miss, one indexed lookup that selects no bytes); the bare host sends the whole stored " +
               "document without authentication. " + PairedRounds.Note,
    };

    private static string Latencies(LoadResult r) =>
        $"p50 {r.P50Ms:N2} ms, p99 {r.P99Ms:N2} ms" + (r.Errors > 0 ? $", {r.Errors:N0} errors of {r.Requests:N0}" : string.Empty);

    public ValueTask DisposeAsync() => _bare.DisposeAsync();
}
