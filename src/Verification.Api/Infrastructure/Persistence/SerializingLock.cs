using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Persistence;

/// <summary>
/// A named lock held until the current transaction ends, for a rule that reads several rows and then writes (the last
/// coordinator): under READ COMMITTED two such transactions would each read the state before the other's write.
/// PostgreSQL takes a transaction-scoped advisory lock, SQL Server an application lock owned by the transaction;
/// SQLite needs none, because our transactions begin IMMEDIATE and so already hold the database's single write lock
/// before the first read.
/// </summary>
public static class SerializingLock
{
    public static async Task AcquireAsync(this VerificationDb db, string name, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException($"The lock '{name}' is held by a transaction; none is open.");
        switch (db.Provider)
        {
            case DatabaseProvider.PostgreSql:
                var key = BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0);
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({key})", ct);
                break;
            case DatabaseProvider.SqlServer:
                await db.Database.ExecuteSqlAsync(
                    $"EXEC sp_getapplock @Resource = {name}, @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = 30000", ct);
                break;
        }
    }
}
