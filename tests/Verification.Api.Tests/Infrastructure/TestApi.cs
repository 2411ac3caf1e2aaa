using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Verification.Persistence;

namespace Verification.Api.Tests.Infrastructure;

/// <summary>A running API and the people who use it: helpers that act only through HTTP, as a client would.</summary>
public sealed class TestApi : IAsyncDisposable
{
    public const string Password = "a long enough passphrase for tests";

    private TestApi(ApiFactory factory) => Factory = factory;

    public ApiFactory Factory { get; }
    public HttpClient Anonymous => Factory.CreateClient();

    public static IEnumerable<object[]> Providers => [[DatabaseProvider.Sqlite], [DatabaseProvider.PostgreSql]];

    public static async Task<TestApi> StartAsync(DatabaseProvider provider, IDictionary<string, string?>? settings = null,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        var api = new TestApi(new ApiFactory(provider, settings, services));
        _ = api.Factory.Server; // starts the host: migrations and the bootstrap coordinator run now
        await Task.CompletedTask;
        return api;
    }

    /// <summary>
    /// Another instance of the same deployment (PostgreSQL): this one's database, evidence folder and keys folder, as
    /// instances behind a load balancer share them (docs/operations.md, *More than one machine*).
    /// </summary>
    public Task<TestApi> AnotherInstanceAsync() => StartAsync(Factory.Provider, new Dictionary<string, string?>
    {
        ["ConnectionStrings:Verification"] = Factory.ConnectionString,
        ["Evidence:StoragePath"] = Factory.EvidencePath,
        ["Keys:Path"] = Factory.KeysPath,
    });

    /// <summary>
    /// The same host over real Kestrel on a free loopback port, for what the in-memory test server does not do as
    /// Kestrel does (request body limits on a streamed body, the Server header). Clients talk to it over TCP.
    /// </summary>
    public static Task<TestApi> StartOnKestrelAsync(DatabaseProvider provider, IDictionary<string, string?>? settings = null)
    {
        var factory = new ApiFactory(provider, settings);
        factory.UseKestrel(0);
        factory.StartServer();
        return Task.FromResult(new TestApi(factory));
    }

    public Task<HttpClient> CoordinatorAsync() => SignInAsync(ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword);

    public async Task<HttpClient> SignInAsync(string email, string password)
    {
        var response = await Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        await Expect.Status(response, HttpStatusCode.OK);
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A new staff member created by the coordinator, signed in.</summary>
    public async Task<Person> NewPersonAsync(params string[] roles)
    {
        var coordinator = await CoordinatorAsync();
        var email = $"{string.Join("-", roles).ToLowerInvariant()}-{Guid.NewGuid():N}@test.local";
        var created = await coordinator.PostAsJsonAsync("/api/v1/users", new { email, password = Password, roles });
        await Expect.Status(created, HttpStatusCode.Created);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        return new Person(id, email, await SignInAsync(email, Password));
    }

    public ValueTask DisposeAsync()
    {
        Factory.Dispose();
        return ValueTask.CompletedTask;
    }
}

public sealed record Person(Guid Id, string Email, HttpClient Client);

/// <summary>The Kidal field report of 30 March 2024 (docs/samples): the canonical claim.</summary>
public static class Kidal
{
    public static JsonObject Claim(string? externalId = null) => new()
    {
        ["title"] = "Drone strikes on the former MINUSMA camp in Kidal",
        ["summary"] = "On the night of 29 to 30 March 2024, drones of the Malian Armed Forces, supported by the Wagner Group, " +
                      "struck the former MINUSMA base in Kidal held by the CSP. Casualties are unconfirmed.",
        ["violationTypes"] = new JsonArray("AttackCivilianHarm"),
        ["incident"] = new JsonObject
        {
            ["startDate"] = "2024-03-29",
            ["endDate"] = "2024-03-30",
            ["timePrecision"] = "Day",
            ["location"] = new JsonObject
            {
                ["placeName"] = "Kidal",
                ["countryCode"] = "ML",
                ["admin1"] = "Kidal",
                ["latitude"] = 18.4411,
                ["longitude"] = 1.4078,
                ["geoPrecision"] = "NearbyTown",
            },
        },
        ["perpetrators"] = new JsonArray(
            new JsonObject { ["name"] = "Malian Armed Forces (FAMa)", ["type"] = "StateForce" },
            new JsonObject { ["name"] = "Wagner Group", ["type"] = "ForeignOrPrivateMilitary" }),
        ["harm"] = new JsonObject { ["killedMin"] = 0 },
        ["sources"] = new JsonArray(new JsonObject { ["type"] = "LocalMedia", ["description"] = "News report of 30 March 2024" }),
        ["externalId"] = externalId,
    };
}

public static class Http
{
    public static async Task<(JsonElement Body, string ETag)> SubmitClaimAsync(this HttpClient client, JsonObject? claim = null)
    {
        var response = await client.PostAsJsonAsync("/api/v1/claims", claim ?? Kidal.Claim());
        await Expect.Status(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(), response.Headers.ETag!.Tag);
    }

    public static async Task<HttpResponseMessage> SendWithIfMatch(this HttpClient client, HttpMethod method, string url, object? body, string? etag)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        if (etag is not null)
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        return await client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostWithIfMatch(this HttpClient client, string url, object? body, string? etag) =>
        client.SendWithIfMatch(HttpMethod.Post, url, body ?? new { }, etag);

    public static async Task<JsonElement> Json(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    public static async Task<string> ETagOf(this HttpClient client, Guid claimId)
    {
        var response = await client.GetAsync($"/api/v1/claims/{claimId}");
        await Expect.Status(response, HttpStatusCode.OK);
        return response.Headers.ETag!.Tag;
    }
}

public static class Expect
{
    /// <summary>Asserts the status, and shows the body when it is not the one expected: a failing test says why.</summary>
    public static async Task Status(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Fail($"Expected {(int)expected} {expected} but got {(int)response.StatusCode} {response.StatusCode}: {body}");
        }
    }

    /// <summary>Asserts an RFC 9457 problem document with the status, a title and a trace id.</summary>
    public static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode expected)
    {
        await Status(response, expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Json();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.True(problem.TryGetProperty("traceId", out _), "a problem carries a traceId");
        return problem;
    }

    public static async Task<JsonElement> ValidationProblem(HttpResponseMessage response, string field)
    {
        var problem = await Problem(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"expected an error for '{field}', got {errors}");
        return problem;
    }
}
