using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Verification.Api.Tests.Imports;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Operations;

/// <summary>Request log lines name the route pattern, never a path value; the console writes JSON in Production.</summary>
public sealed class RequestLogTests
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_request_for_one_claim_logs_its_route_pattern_and_no_id(DatabaseProvider provider)
    {
        var capture = new LogCapture();
        await using var api = await TestApi.StartAsync(provider);
        using var host = api.Factory.WithWebHostBuilder(b => b.ConfigureLogging(l =>
        {
            l.AddProvider(capture);
            // Information for every category, Microsoft's included: stricter than appsettings.json (Microsoft.AspNetCore
            // at Warning). Debug and Trace are for debugging sessions (the router's Debug lines name the path).
            l.AddFilter<LogCapture>(null, LogLevel.Information);
        }));
        var coordinator = host.CreateClient();
        var token = (await (await coordinator.PostAsJsonAsync("/api/v1/auth/login",
            new { email = ApiFactory.CoordinatorEmail, password = ApiFactory.CoordinatorPassword })).Json()).Str("accessToken");
        coordinator.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var unknown = Guid.NewGuid();

        await Expect.Status(await coordinator.GetAsync($"/api/v1/claims/{unknown}"), HttpStatusCode.NotFound);
        await Expect.Status(await host.CreateClient().GetAsync($"/api/v1/claims/{unknown}"), HttpStatusCode.Unauthorized);

        // The in-memory server hands the response over before the middleware's own line is written: wait for it.
        for (var waited = 0; waited < 50 && capture.Lines.Count(l => l.Contains(" answered 40", StringComparison.Ordinal)) < 2; waited++)
            await Task.Delay(100);
        var lines = capture.Lines.ToList();
        Assert.True(lines.Any(l => l.Contains("GET /api/v1/claims/{id:guid} answered 404", StringComparison.Ordinal)),
            string.Join("\n", lines.Where(l => l.Contains("answered", StringComparison.Ordinal))));
        Assert.Contains(lines, l => l.Contains("GET /api/v1/claims/{id:guid} answered 401", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(unknown.ToString(), StringComparison.OrdinalIgnoreCase)
                                          || l.Contains(unknown.ToString("N"), StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(lines, l => l.Contains("RequestPath", StringComparison.Ordinal));
    }

    /// <summary>
    /// Successful reads are sampled (Logging:RequestLines:SuccessfulReadSampleRate); writes and refusals never are. At
    /// rate 0 a successful GET leaves no line while the sign-in POST and a 404 do; at rate 1 the same GET is written.
    /// </summary>
    [Theory]
    [InlineData("0", false)]
    [InlineData("1", true)]
    public async Task Successful_reads_are_sampled_while_writes_and_refusals_are_always_logged(string rate, bool readLogged)
    {
        var capture = new LogCapture();
        await using var api = await TestApi.StartAsync(DatabaseProvider.Sqlite);
        using var host = api.Factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("Logging:RequestLines:SuccessfulReadSampleRate", rate);
            b.ConfigureLogging(l =>
            {
                l.AddProvider(capture);
                l.AddFilter<LogCapture>(null, LogLevel.Information);
            });
        });
        var coordinator = host.CreateClient();
        var token = (await (await coordinator.PostAsJsonAsync("/api/v1/auth/login",
            new { email = ApiFactory.CoordinatorEmail, password = ApiFactory.CoordinatorPassword })).Json()).Str("accessToken");
        coordinator.DefaultRequestHeaders.Authorization = new("Bearer", token);

        await Expect.Status(await coordinator.GetAsync("/api/v1/claims"), HttpStatusCode.OK);
        await Expect.Status(await coordinator.GetAsync($"/api/v1/claims/{Guid.NewGuid()}"), HttpStatusCode.NotFound);

        // The 404 is the last request: once its line is in, the earlier lines are too (or were never written).
        for (var waited = 0; waited < 50 && !capture.Lines.Any(l => l.Contains(" answered 404", StringComparison.Ordinal)); waited++)
            await Task.Delay(100);
        var lines = capture.Lines.Where(l => l.Contains(" answered ", StringComparison.Ordinal)).ToList();
        Assert.Contains(lines, l => l.Contains("POST /api/v1/auth/login answered 200", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("GET /api/v1/claims/{id:guid} answered 404", StringComparison.Ordinal));
        Assert.True(readLogged == lines.Any(l => l.Contains("GET /api/v1/claims/ answered 200", StringComparison.Ordinal)), string.Join("\n", lines));
    }

    /// <summary>The console's format depends on the environment only, not on the database: SQLite is enough here.</summary>
    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task The_console_log_is_JSON_in_Production_and_readable_text_in_Development_without_scope_noise(string environment)
    {
        var folder = Foundation.AuthTests.TempFolder();
        try
        {
            var settings = Foundation.AuthTests.ProcessSettings(folder, ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword);
            settings["ASPNETCORE_ENVIRONMENT"] = environment;
            settings["Keys__Path"] = Path.Combine(folder, "keys");
            await using var api = await ApiProcess.StartReadyAsync(folder, settings);
            using var client = api.CreateClient();
            var id = Guid.NewGuid();
            await Expect.Status(await client.GetAsync($"/api/v1/claims/{id}"), HttpStatusCode.Unauthorized);

            string? line = null;
            for (var waited = 0; line is null && waited < 100; waited++)
            {
                line = api.Output.Split('\n').FirstOrDefault(l => l.Contains("answered 401", StringComparison.Ordinal));
                if (line is null)
                    await Task.Delay(100);
            }
            Assert.True(line is not null, $"no request line:\n{api.Output}");
            Assert.Contains("/api/v1/claims/{id:guid}", line);
            Assert.DoesNotContain(id.ToString(), api.Output, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("System.Collections.Generic", api.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("RequestPath", api.Output, StringComparison.Ordinal);
            if (environment == "Production")
            {
                using var json = JsonDocument.Parse(line);
                Assert.Equal("Information", json.RootElement.GetProperty("LogLevel").GetString());
                Assert.Equal(401, json.RootElement.GetProperty("State").GetProperty("Status").GetInt32());
                Assert.Contains(json.RootElement.GetProperty("Scopes").EnumerateArray(), s => s.TryGetProperty("CorrelationId", out _));
            }
            else
            {
                Assert.False(line.TrimStart().StartsWith('{'), line);
                Assert.Contains("=> CorrelationId:", line);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
