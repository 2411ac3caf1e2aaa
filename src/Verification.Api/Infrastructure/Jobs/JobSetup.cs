using Hangfire;
using Hangfire.Dashboard;
using Hangfire.PostgreSql;
using Hangfire.Storage.SQLite;
using Microsoft.Data.Sqlite;
using Verification.Api.Infrastructure.Persistence;
using Verification.Api.Infrastructure.Security;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Jobs;

public static class JobSetup
{
    /// <summary>
    /// Hangfire's storage follows Database:Provider: a SQLite file beside the database for the embedded default,
    /// the same PostgreSQL or SQL Server database (in its own schema) otherwise, so that several API instances share
    /// one queue and a recurring job runs once, not once per instance.
    /// </summary>
    public static IServiceCollection AddVerificationJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = DatabaseSetup.ConnectionString(options.Provider, configuration.GetConnectionString("Verification"));
        // This host's own storage and job activator, registered before AddHangfire: Hangfire's defaults read the
        // process-wide JobStorage.Current and JobActivator.Current, which belong to whichever host configured Hangfire
        // last. With several hosts in one process (the two-instance tests) a job could otherwise run in another
        // host's container, against another database.
        services.AddSingleton<JobStorage>(_ => options.Provider switch
        {
            DatabaseProvider.Sqlite => new SQLiteStorage(HangfireSqliteFile(connectionString),
                new SQLiteStorageOptions { QueuePollInterval = TimeSpan.FromSeconds(2) }),
            DatabaseProvider.PostgreSql => PostgreSql(connectionString,
                new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = true, QueuePollInterval = TimeSpan.FromSeconds(2) }),
            DatabaseProvider.SqlServer => new Hangfire.SqlServer.SqlServerStorage(connectionString,
                new Hangfire.SqlServer.SqlServerStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = true }),
            _ => throw new ArgumentOutOfRangeException(nameof(configuration), options.Provider, "Unknown Database:Provider."),
        });
        services.AddSingleton<JobActivator>(sp => new Hangfire.AspNetCore.AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HostLogProvider(sp.GetRequiredService<ILoggerFactory>()))
            .UseStorage(sp.GetRequiredService<JobStorage>()));
        if (configuration.GetValue("Jobs:RunServer", true))
        {
            services.AddHangfireServer((provider, o) =>
            {
                o.WorkerCount = configuration.GetValue("Jobs:WorkerCount", Math.Max(2, Environment.ProcessorCount));
                o.Activator = provider.GetRequiredService<JobActivator>();
            });
        }
        services.AddTransient<CommandJob>();
        services.AddSingleton<PendingJobs>();
        return services;
    }

    private static PostgreSqlStorage PostgreSql(string connectionString, PostgreSqlStorageOptions storageOptions) =>
        new(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(connectionString, storageOptions), storageOptions);

    /// <summary>Hangfire's SQLite storage keeps its own file next to the database (data/verification.hangfire.db).</summary>
    internal static string HangfireSqliteFile(string connectionString)
    {
        var database = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(database)) ?? ".";
        return Path.Combine(folder, Path.GetFileNameWithoutExtension(database) + ".hangfire.db");
    }

    /// <summary>
    /// The dashboard at /jobs, for coordinators only and never anonymous: the route requires the Coordinator policy
    /// (an anonymous browser is sent to the sign-in form, anyone else gets 401 or 403), and the dashboard's own filter
    /// checks the role again. The user comes from the dashboard cookie (see DashboardAuthentication), which the
    /// sign-in form of the Auth area (JobsDashboardSignIn) issues.
    /// </summary>
    public static WebApplication MapJobsDashboard(this WebApplication app)
    {
        app.MapHangfireDashboard(DashboardAuthentication.PathPrefix, new DashboardOptions
        {
            Authorization = [new CoordinatorsOnly()],
            // Read-only for everyone: deleting or triggering a recurring job here would leave no audit entry. The actions
            // that are needed are audited API commands (POST /api/v1/operations/integrity-check, /imports/{id}/requeue).
            IsReadOnlyFunc = _ => true,
            DisplayStorageConnectionString = false,
            DashboardTitle = "Verification jobs",
        }).RequireAuthorization(Policies.Coordinator);
        return app;
    }

    private sealed class CoordinatorsOnly : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => context.GetHttpContext().User.IsInRole(Roles.Coordinator);
    }
}

/// <summary>
/// Hangfire's log provider is one static for the whole process, and the last host started sets it. When that host
/// stops while another runs on (the HTTP tests start many hosts in one process), its logger factory is disposed and
/// every Hangfire call that logs in the other host would throw; this provider then drops the log line instead.
/// </summary>
internal sealed class HostLogProvider(ILoggerFactory factory) : Hangfire.Logging.ILogProvider
{
    private readonly Hangfire.AspNetCore.AspNetCoreLogProvider _inner = new(factory);

    public Hangfire.Logging.ILog GetLogger(string name)
    {
        try
        {
            return new Guarded(_inner.GetLogger(name));
        }
        catch (ObjectDisposedException)
        {
            return new Guarded(null);
        }
    }

    private sealed class Guarded(Hangfire.Logging.ILog? inner) : Hangfire.Logging.ILog
    {
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            try
            {
                return inner?.Log(logLevel, messageFunc, exception) ?? false;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }
}
