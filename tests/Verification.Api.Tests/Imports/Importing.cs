using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Verification.Api.Tests.Claims;
using Verification.Api.Tests.Infrastructure;

namespace Verification.Api.Tests.Imports;

/// <summary>Uploading import files and following them, over HTTP as a client would.</summary>
internal static class Importing
{
    public static string UcdpCsv => KidalWalkthroughTests.SamplePath("ucdp-ged-23.1-car/events.csv");
    public static string UcdpGeojson => KidalWalkthroughTests.SamplePath("ucdp-ged-23.1-car/events.geojson");
    public const int UcdpEvents = 1848;

    public static Task<HttpResponseMessage> UploadFileAsync(this HttpClient client, string path, object options) =>
        client.UploadAsync(new StreamContent(File.OpenRead(path)), Path.GetFileName(path), options);

    public static Task<HttpResponseMessage> UploadAsync(this HttpClient client, byte[] file, string fileName, object options) =>
        client.UploadAsync(new ByteArrayContent(file), fileName, options);

    public static Task<HttpResponseMessage> UploadAsync(this HttpClient client, string text, string fileName, object options) =>
        client.UploadAsync(Encoding.UTF8.GetBytes(text), fileName, options);

    private static async Task<HttpResponseMessage> UploadAsync(this HttpClient client, HttpContent file, string fileName, object options)
    {
        using var content = new MultipartFormDataContent();
        content.Add(new StringContent(JsonSerializer.Serialize(options), Encoding.UTF8, "application/json"), "options");
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Add(file, "file", fileName);
        return await client.PostAsync("/api/v1/imports", content);
    }

    /// <summary>Uploads and expects 202 with a Location that names the import; returns its id.</summary>
    public static async Task<Guid> StartImportAsync(this HttpClient client, string path, object options)
    {
        var response = await client.UploadFileAsync(path, options);
        return await AcceptedAsync(response);
    }

    public static async Task<Guid> AcceptedAsync(HttpResponseMessage response)
    {
        await Expect.Status(response, HttpStatusCode.Accepted);
        var body = await response.Json();
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/imports/{id}", response.Headers.Location!.OriginalString);
        Assert.Equal("Queued", body.GetProperty("status").GetString());
        return id;
    }

    /// <summary>Polls the import until it has finished (Succeeded or Failed); the background job picks it up within seconds.</summary>
    public static async Task<JsonElement> FinishedAsync(this HttpClient client, Guid importId, int timeoutSeconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var response = await client.GetAsync($"/api/v1/imports/{importId}");
            await Expect.Status(response, HttpStatusCode.OK);
            var import = await response.Json();
            if (import.GetProperty("status").GetString() is "Succeeded" or "Failed")
                return import;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Import {importId} did not finish within {timeoutSeconds} s: {import}");
            await Task.Delay(250);
        }
    }

    /// <summary>Every claim an import created, read page by page from GET /claims?importId=.</summary>
    public static async Task<List<JsonElement>> ClaimsOfAsync(this HttpClient client, Guid importId)
    {
        var claims = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var response = await client.GetAsync($"/api/v1/claims?importId={importId}&limit=200"
                + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            await Expect.Status(response, HttpStatusCode.OK);
            var page = await response.Json();
            claims.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        return claims;
    }

    /// <summary>The rate of a finished import, from its own startedAt and finishedAt.</summary>
    public static string Rate(JsonElement import)
    {
        var seconds = (import.GetProperty("finishedAt").GetDateTime() - import.GetProperty("startedAt").GetDateTime()).TotalSeconds;
        var rows = import.GetProperty("totalRows").GetInt32();
        return $"{rows} rows in {seconds:F2} s = {rows / Math.Max(seconds, 0.001):F0} rows/s";
    }

    /// <summary>
    /// The sample's rows per second of this process's CPU time since <paramref name="before"/> (API and test share the
    /// process; a PostgreSQL server's own time is not in it): a rate that a busy shared machine does not distort.
    /// </summary>
    public static string CpuRate(TimeSpan before)
    {
        var seconds = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - before).TotalSeconds;
        return $"{seconds:F2} s of API CPU = {UcdpEvents / Math.Max(seconds, 0.001):F0} rows per CPU second";
    }

    public static int Int(this JsonElement e, string name) => e.GetProperty(name).GetInt32();

    public static string? Str(this JsonElement e, string name) => e.GetProperty(name).GetString();
}
