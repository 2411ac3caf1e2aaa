using Microsoft.EntityFrameworkCore;

namespace Verification.Persistence;

public static class ProviderOptions
{
    /// <summary>Points the context at one provider and at that provider's migrations assembly.</summary>
    public static DbContextOptionsBuilder<VerificationDb> UseVerificationDatabase(this DbContextOptionsBuilder<VerificationDb> options,
        DatabaseProvider provider, string connectionString)
    {
        ((DbContextOptionsBuilder)options).UseVerificationDatabase(provider, connectionString);
        return options;
    }

    public static DbContextOptionsBuilder UseVerificationDatabase(this DbContextOptionsBuilder options,
        DatabaseProvider provider, string connectionString)
    {
        var migrations = MigrationAssemblies.For(provider);
        return provider switch
        {
            DatabaseProvider.Sqlite => options.UseSqlite(connectionString, o => o.MigrationsAssembly(migrations)),
            DatabaseProvider.PostgreSql => options.UseNpgsql(connectionString, o => o.MigrationsAssembly(migrations)),
            DatabaseProvider.SqlServer => options.UseSqlServer(connectionString, o => o.MigrationsAssembly(migrations)),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
        };
    }
}
