using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Verification.Persistence;

namespace Verification.Migrations.Sqlite;

/// <summary>
/// Lets dotnet-ef build the context for this provider without starting the API. The connection string is never
/// opened when adding a migration or writing a script.
/// </summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<VerificationDb>
{
    public VerificationDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<VerificationDb>()
            .UseVerificationDatabase(DatabaseProvider.Sqlite, "Data Source=design-time.db")
            .Options);
}
