using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Foundation;

/// <summary>
/// The three providers' migrations describe the model as it is now, and the SQL Server script a DBA runs is the one
/// those migrations produce. None of this opens a connection: SQL Server cannot run here, and need not.
/// </summary>
public sealed class MigrationsTests
{
    private const string SqlServerConnectionString = "Server=localhost;Database=x;Trusted_Connection=True;TrustServerCertificate=True";

    public static TheoryData<DatabaseProvider> AllProviders => [DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql, DatabaseProvider.SqlServer];

    [Theory]
    [MemberData(nameof(AllProviders))]
    public void Each_providers_migrations_match_the_current_model(DatabaseProvider provider)
    {
        using var context = new ModelContext(provider);
        Assert.False(context.Db.Database.HasPendingModelChanges(),
            $"The model has changes that no {provider} migration describes: run scripts/add-migration <Name>, which adds it to all three providers.");
    }

    [Fact]
    public void The_three_providers_have_the_same_migrations_in_the_same_order()
    {
        // Timestamps differ by provider (each was generated a few seconds apart); the names must not.
        string[] Names(DatabaseProvider provider)
        {
            using var context = new ModelContext(provider);
            return [.. context.Db.Database.GetMigrations().Select(id => id[(id.IndexOf('_') + 1)..])];
        }

        var sqlite = Names(DatabaseProvider.Sqlite);
        Assert.NotEmpty(sqlite);
        Assert.Equal(sqlite, Names(DatabaseProvider.PostgreSql));
        Assert.Equal(sqlite, Names(DatabaseProvider.SqlServer));
    }

    [Fact]
    public void The_checked_in_SQL_Server_script_is_the_idempotent_script_of_the_current_migrations()
    {
        using var context = new ModelContext(DatabaseProvider.SqlServer);
        var generated = context.Db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
        var path = Path.Combine(RepoRoot.Path, "migrations", "sqlserver.sql");
        Assert.True(File.Exists(path), $"{path} is missing: run scripts/sqlserver-script.");
        var checkedIn = File.ReadAllText(path);

        var expected = Normalise(generated);
        var actual = Normalise(checkedIn);
        if (expected != actual)
        {
            var e = expected.Split('\n');
            var a = actual.Split('\n');
            var line = Enumerable.Range(0, Math.Min(e.Length, a.Length)).FirstOrDefault(i => e[i] != a[i], Math.Min(e.Length, a.Length));
            Assert.Fail($"migrations/sqlserver.sql is out of date: run scripts/sqlserver-script. First difference at line {line + 1}:\n" +
                        $"  generated: {(line < e.Length ? e[line] : "(end)")}\n  checked in: {(line < a.Length ? a[line] : "(end)")}");
        }
    }

    /// <summary>Line endings and the surrounding blank space (a byte-order mark included) are not part of the script.</summary>
    private static string Normalise(string sql) => sql.Replace("\r\n", "\n").Replace('\r', '\n').Trim().Trim('\uFEFF').Trim();

    /// <summary>A context on one provider that is never opened; SQLite's file lives in a folder removed afterwards.</summary>
    private sealed class ModelContext : IDisposable
    {
        private readonly string? _folder;

        public ModelContext(DatabaseProvider provider)
        {
            string connectionString;
            switch (provider)
            {
                case DatabaseProvider.Sqlite:
                    _folder = Path.Combine(Path.GetTempPath(), "verification-migrations-" + Guid.NewGuid().ToString("N")[..12]);
                    Directory.CreateDirectory(_folder);
                    connectionString = $"Data Source={Path.Combine(_folder, "model.db")}";
                    break;
                case DatabaseProvider.PostgreSql:
                    connectionString = (PostgresCluster.Instance ?? throw new InvalidOperationException(PostgresCluster.WhyUnavailable)).AdminConnectionString;
                    break;
                default:
                    connectionString = SqlServerConnectionString;
                    break;
            }
            Db = new VerificationDb(new DbContextOptionsBuilder<VerificationDb>().UseVerificationDatabase(provider, connectionString).Options);
        }

        public VerificationDb Db { get; }

        public void Dispose()
        {
            Db.Dispose();
            if (_folder is not null)
                Directory.Delete(_folder, recursive: true);
        }
    }
}
