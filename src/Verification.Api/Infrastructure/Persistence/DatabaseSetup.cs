using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Persistence;

public sealed class DatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
    public bool MigrateOnStart { get; set; } = true;
}

public static class DatabaseSetup
{
    public const string DefaultConnectionString = "Data Source=data/verification.db";

    public static IServiceCollection AddVerificationDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = ConnectionString(options.Provider, configuration.GetConnectionString("Verification"));
        if (options.Provider == DatabaseProvider.Sqlite)
            SqliteLibrary.TurnOffMemoryStatistics();
        services.AddSingleton(options);
        // The claim versions known current, kept coherent by the tracker, an interceptor of every context (ClaimVersions).
        services.AddSingleton<ClaimVersions>();
        services.AddSingleton<ClaimWriteTracker>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>(sp => sp.GetRequiredService<ClaimWriteTracker>());
        // Pooled: the options are built once and contexts are reset and reused, instead of a new context and a new
        // options object (with its provider extensions and warnings configuration) on every request.
        // Interceptors registered as services (IInterceptor) are added to the context's options: the pool builds them
        // once, from the root provider.
        // On SQLite, EF Core's SQL generator writes each LIMIT and OFFSET parameter so that SQLite plans it once
        // (SqliteLimitSqlGeneratorFactory).
        services.AddDbContextPool<VerificationDb>((provider, db) =>
        {
            db.UseVerificationDatabase(options.Provider, connectionString)
                .AddInterceptors(provider.GetServices<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>());
            if (options.Provider == DatabaseProvider.Sqlite)
                db.ReplaceService<IQuerySqlGeneratorFactory, SqliteLimitSqlGeneratorFactory>();
        });
        // The hot reads' prepared statements (their kept SQLite connections close with the host).
        services.AddSingleton<PreparedQueries>();
        return services;
    }

    /// <summary>
    /// SQLite gets a busy timeout (writers wait for each other instead of failing at once) and its folder is created,
    /// so that the first run on a fresh machine needs nothing prepared by hand.
    /// </summary>
    internal static string ConnectionString(DatabaseProvider provider, string? configured)
    {
        var connectionString = string.IsNullOrWhiteSpace(configured) ? DefaultConnectionString : configured;
        if (provider == DatabaseProvider.PostgreSql)
            return WithBoundedPool(connectionString);
        if (provider != DatabaseProvider.Sqlite)
            return connectionString;
        var builder = new SqliteConnectionStringBuilder(connectionString) { DefaultTimeout = 30, Pooling = true };
        var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(folder) && builder.Mode != SqliteOpenMode.Memory)
            Directory.CreateDirectory(folder);
        return builder.ToString();
    }

    /// <summary>The PostgreSQL pool's size when the connection string does not set one.</summary>
    public static int DefaultPostgresPoolSize => Math.Max(16, 4 * Environment.ProcessorCount);

    /// <summary>
    /// Npgsql's own default lets a pool grow to 100 connections, each a PostgreSQL server process. In the benchmark's
    /// open-loop phase (read one claim at 70% of peak, 256 driver connections) the API's pool grew to 69–94 connections
    /// with up to 154 requests waiting for one (dotnet-counters, docs/performance-changes.md): a stall piles requests
    /// up, each opens another backend, and on a machine with few cores the server then switches between backends
    /// instead of answering, so the queue drains slowly. A pool of a few connections per core keeps the server at its
    /// best rate and lets the surplus wait, in order, in Npgsql's queue. An operator's own <c>Maximum Pool Size</c>
    /// in the connection string wins.
    /// </summary>
    internal static string WithBoundedPool(string connectionString)
    {
        var raw = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (var key in new[] { "Maximum Pool Size", "MaxPoolSize" })
        {
            if (raw.ContainsKey(key))
                return connectionString;
        }
        return new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = DefaultPostgresPoolSize }.ConnectionString;
    }

    /// <summary>Applies pending migrations (unless the operator turned that off) and prepares SQLite for concurrent use.</summary>
    public static async Task PrepareDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
        var options = scope.ServiceProvider.GetRequiredService<DatabaseOptions>();
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            await SqliteFileFormat.ApplyAsync(db.Database, ct);
            scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SqliteLibrary)).LogInformation(
                "SQLite {Version}: memory statistics {State}", SQLitePCL.raw.sqlite3_libversion().utf8_to_string(),
                SqliteLibrary.TurnOffMemoryStatistics() ? "off" : "on (a connection opened before they could be turned off)");
        }
        if (options.MigrateOnStart)
            await db.Database.MigrateAsync(ct);
    }
}
