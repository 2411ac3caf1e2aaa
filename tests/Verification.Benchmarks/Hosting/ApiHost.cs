using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Verification.Persistence;

namespace Verification.Benchmarks.Hosting;

/// <summary>
/// The API under test: the real Verification.Api build, run as its own Kestrel process on 127.0.0.1 with the
/// operator's configuration (environment variables), on the database the benchmark seeded. Staff are created through
/// its own routes, as a coordinator would.
/// </summary>
public sealed class ApiHost : IAsyncDisposable
{
    public const string CoordinatorEmail = "coordinator@bench.local";
    public const string Password = "a long benchmark passphrase";

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> KeysFolders = new(StringComparer.Ordinal);

    private ApiHost(ServerProcess process) => Process = process;

    public ServerProcess Process { get; }

    /// <param name="backgroundJobs">
    /// False starts the API as an instance that only serves requests (<c>Jobs:RunServer=false</c>, a shipped deployment
    /// shape, docs/operations.md): no recurring job (the hourly search backfill, the duplicate flagger at :07, :27 and :47,
    /// the audit chain's walk at :17) can start inside a measurement and be counted as the request's or the export's.
    /// The imports need a job server and keep it.
    /// </param>
    public static async Task<ApiHost> StartAsync(DatabaseProvider provider, string connectionString, string folder,
        long maxUploadBytes = 512L * 1024 * 1024, bool backgroundJobs = true)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Database__Provider"] = provider.ToString(),
            ["ConnectionStrings__Verification"] = connectionString,
            ["Evidence__StoragePath"] = Path.Combine(folder, "evidence-api"),
            // Its own keys folder in the work folder: the API's working directory is its build output, inside the repository.
            // A database keeps the keys folder it was first served with: its Data Protection ring is sealed by that
            // folder's key, and an API started on it with another folder refuses to start (as it should).
            ["Keys__Path"] = KeysFolders.GetOrAdd(connectionString, Path.Combine(folder, "keys-api")),
            ["Evidence__MaxUploadBytes"] = maxUploadBytes.ToString(CultureInfo.InvariantCulture),
            ["Bootstrap__CoordinatorEmail"] = CoordinatorEmail,
            ["Bootstrap__CoordinatorPassword"] = Password,
            // Tokens outlive the run; sign-ins are few. Everything else is the shipped default.
            ["Auth__AccessTokenMinutes"] = "240",
            // The per-partner budget (120 a minute by default) would turn a load test into 429s; the limiter still runs.
            ["Partners__RequestsPerMinute"] = "1000000000",
            ["Jobs__RunServer"] = backgroundJobs ? "true" : "false",
        };
        var process = ServerProcess.Start("API", RepoPaths.ApiAssembly, [], environment, Path.Combine(folder, $"api-{Guid.NewGuid():N}.log"));
        var host = new ApiHost(process);
        try
        {
            await process.WaitReadyAsync("/health/live");
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    /// <summary>A staff member with the given role, created by the bootstrap coordinator; returns the bearer token.</summary>
    public async Task<string> StaffTokenAsync(string role)
    {
        var coordinator = await SignInAsync(CoordinatorEmail, Password);
        if (role == "Coordinator")
            return coordinator;
        using var client = Client(coordinator);
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@bench.local";
        using var created = await client.PostAsJsonAsync("/api/v1/users", new { email, password = Password, roles = new[] { role } });
        if (!created.IsSuccessStatusCode)
            throw new InvalidOperationException($"Creating a {role} failed: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        return await SignInAsync(email, Password);
    }

    /// <summary>A partner organisation registered by the coordinator through POST /api/v1/partners; returns its API key.</summary>
    public async Task<string> PartnerKeyAsync(string sharingLevel)
    {
        using var client = Client(await SignInAsync(CoordinatorEmail, Password));
        using var created = await client.PostAsJsonAsync("/api/v1/partners", new { name = $"Benchmark partner {Guid.NewGuid():N}", sharingLevel });
        if (!created.IsSuccessStatusCode)
            throw new InvalidOperationException($"Creating a partner failed: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("apiKey").GetString()!;
    }

    /// <summary>A client that presents a partner key as "Authorization: ApiKey …".</summary>
    public HttpClient PartnerClient(string apiKey)
    {
        var client = new HttpClient { BaseAddress = Process.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", apiKey);
        return client;
    }

    public HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = Process.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<string> SignInAsync(string email, string password)
    {
        using var client = new HttpClient { BaseAddress = Process.BaseAddress };
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"Sign-in failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
