namespace Verification.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
    SqlServer,
}

public static class MigrationAssemblies
{
    public static string For(DatabaseProvider provider) => $"Verification.Migrations.{provider}";
}
