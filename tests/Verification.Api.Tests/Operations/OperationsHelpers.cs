using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Tests.Claims;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Operations;

internal static class Eventually
{
    /// <summary>Polls until <paramref name="done"/> holds (background jobs finish on their own time), or fails with what was seen last.</summary>
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, string what, int seconds = 120, Func<string>? diagnose = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await probe();
            if (done(value))
                return value;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Timed out after {seconds} s waiting for {what}; last seen: {value}. {diagnose?.Invoke()}");
            await Task.Delay(250);
        }
    }
}

internal static class Operations
{
    /// <summary>Triggers a recurring job through Hangfire, as the dashboard's "Trigger now" does.</summary>
    public static void Trigger(this TestApi api, string recurringJobId) =>
        api.Factory.Services.GetRequiredService<IRecurringJobManager>().Trigger(recurringJobId);

    /// <summary>Triggers a stored check's job and waits until its row shows a run that began after the trigger.</summary>
    public static async Task<OperationalCheck> RunCheckAsync(this TestApi api, string recurringJobId, string checkName)
    {
        async Task<OperationalCheck?> Read()
        {
            await using var db = api.Factory.CreateDb();
            return await db.OperationalChecks.AsNoTracking().FirstOrDefaultAsync(c => c.Name == checkName);
        }
        // A run counts once its row is newer than the one before the trigger.
        var previous = (await Read())?.CheckedAt ?? DateTime.MinValue;
        api.Trigger(recurringJobId);
        return (await Eventually.Until(Read, c => c is not null && c.CheckedAt > previous,
            $"the {recurringJobId} job to record its result", diagnose: api.JobsReport))!;
    }

    /// <summary>What Hangfire holds when a job seems not to run: the counts, and the failures with their exceptions.</summary>
    public static string JobsReport(this TestApi api)
    {
        var monitor = api.Factory.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        var stats = monitor.GetStatistics();
        var failures = monitor.FailedJobs(0, 5).Select(f => $"{f.Value.Job?.Args.FirstOrDefault()}: {f.Value.ExceptionType} {f.Value.ExceptionMessage}");
        var retries = api.Factory.Services.GetRequiredService<JobStorage>().GetConnection().GetAllItemsFromSet("retries").Count;
        return $"Jobs: {stats.Enqueued} enqueued, {stats.Processing} processing, {stats.Scheduled} scheduled (retries {retries}), " +
               $"{stats.Succeeded} succeeded, {stats.Failed} failed [{string.Join(" | ", failures)}]";
    }

    public static async Task<JsonElement> ReadyAsync(this TestApi api)
    {
        var response = await api.Anonymous.GetAsync("/health/ready");
        await Expect.Status(response, HttpStatusCode.OK);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Json();
    }

    public static string CheckStatus(this JsonElement ready, string name) =>
        ready.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).GetProperty("status").GetString()!;

    public static async Task<string> ScrapeAsync(this TestApi api)
    {
        var response = await api.Anonymous.GetAsync("/metrics");
        await Expect.Status(response, HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The samples of one metric in a Prometheus text scrape: each line's label set and value.</summary>
    public static List<(string Labels, double Value)> Samples(string scrape, string metric)
    {
        var samples = new List<(string, double)>();
        foreach (var raw in scrape.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#')
                continue;
            var brace = line.IndexOf('{');
            var space = line.IndexOf(' ');
            var hasLabels = brace >= 0 && brace < space;
            if (line[..(hasLabels ? brace : space)] != metric)
                continue;
            var close = hasLabels ? line.LastIndexOf('}') : -1;
            var labels = hasLabels ? line[(brace + 1)..close] : string.Empty;
            var value = line[(hasLabels ? close + 1 : space)..].Trim().Split(' ')[0];
            samples.Add((labels, double.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));
        }
        return samples;
    }

    public static async Task<JsonElement> AddFileAsync(this HttpClient client, Guid claimId, byte[] bytes, string title = "Photo of the site")
    {
        var response = await client.PostAsync($"/api/v1/claims/{claimId}/evidence", KidalWalkthroughTests.Multipart(
            JsonSerializer.Serialize(new { kind = "Document", origin = "Local journalist", stance = "Supports", title }), bytes, "text/plain"));
        await Expect.Status(response, HttpStatusCode.Created);
        return await response.Json();
    }

    public static async Task<JsonElement> AddTestimonyAsync(this HttpClient client, Guid claimId, string text, string witnessName)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/claims/{claimId}/evidence", new
        {
            kind = "Testimony",
            stance = "Supports",
            origin = "Interview in Kidal",
            testimony = new { text, witness = new { name = witnessName, contact = "+223 00 00 00 00" } },
        });
        await Expect.Status(response, HttpStatusCode.Created);
        return await response.Json();
    }

    public static async Task<List<string>> CustodyActionsAsync(this HttpClient client, Guid evidenceId)
    {
        var response = await client.GetAsync($"/api/v1/evidence/{evidenceId}/custody?limit=200");
        await Expect.Status(response, HttpStatusCode.OK);
        return (await response.Json()).GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()!).ToList();
    }

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}

/// <summary>
/// Tests that read /metrics run alone: OpenTelemetry listens to every meter of a name in the process, so a scrape of
/// one test host would also show the counts of hosts that other tests run at the same time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Scrapes /metrics";
}
