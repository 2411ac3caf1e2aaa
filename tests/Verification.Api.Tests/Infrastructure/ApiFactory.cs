using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Verification.Persistence;

namespace Verification.Api.Tests.Infrastructure;

/// <summary>
/// The real API host over a real database: a temporary SQLite file, or a fresh database on the throwaway PostgreSQL
/// cluster. Migrations and the bootstrap coordinator run exactly as on a first start.
/// </summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    public const string CoordinatorEmail = "coordinator@test.local";
    public const string CoordinatorPassword = "a long test passphrase for the coordinator";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "verification-test-" + Guid.NewGuid().ToString("N")[..12]);

    public ApiFactory(DatabaseProvider provider, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        TestServices = services;
        Provider = provider;
        Directory.CreateDirectory(_folder);
        ConnectionString = provider switch
        {
            DatabaseProvider.Sqlite => $"Data Source={Path.Combine(_folder, "verification.db")}",
            DatabaseProvider.PostgreSql => (PostgresCluster.Instance ?? throw new InvalidOperationException(PostgresCluster.WhyUnavailable)).CreateDatabase(),
            _ => throw new NotSupportedException($"{provider} cannot run on this machine."),
        };
        Settings = settings ?? new Dictionary<string, string?>();
    }

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }
    public string EvidencePath => Path.Combine(_folder, "evidence");
    public string KeysPath => Path.Combine(_folder, "keys");
    public string SqliteFile => Path.Combine(_folder, "verification.db");
    private IDictionary<string, string?> Settings { get; }

    /// <summary>Replaces services that reach outside the machine (the DNS resolver), never the database.</summary>
    private Action<IServiceCollection>? TestServices { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", Provider.ToString());
        builder.UseSetting("ConnectionStrings:Verification", ConnectionString);
        builder.UseSetting("Evidence:StoragePath", EvidencePath);
        builder.UseSetting("Keys:Path", KeysPath);
        // One meter per host: the tests run many hosts in one process, and OpenTelemetry listens to meters by name.
        builder.UseSetting("Metrics:MeterName", "Verification.test-" + Path.GetFileName(_folder));
        builder.UseSetting("Bootstrap:CoordinatorEmail", CoordinatorEmail);
        builder.UseSetting("Bootstrap:CoordinatorPassword", CoordinatorPassword);
        builder.UseSetting("Auth:SignInsPerMinute", "100000");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in Settings)
            builder.UseSetting(key, value);
        if (TestServices is not null)
            builder.ConfigureTestServices(TestServices);
    }

    public VerificationDb CreateDb() => Services.CreateScope().ServiceProvider.GetRequiredService<VerificationDb>();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            // A stopped host's idle PostgreSQL connections would otherwise stay open for minutes; across a whole run
            // they add up to the cluster's connection limit, and then the hosts still running cannot reach it.
            if (Provider == DatabaseProvider.PostgreSql)
                Npgsql.NpgsqlConnection.ClearPool(new Npgsql.NpgsqlConnection(
                    Verification.Api.Infrastructure.Persistence.DatabaseSetup.ConnectionString(Provider, ConnectionString)));
            try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
