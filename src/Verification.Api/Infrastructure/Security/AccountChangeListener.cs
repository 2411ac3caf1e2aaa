using Microsoft.EntityFrameworkCore;
using Npgsql;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Security;

/// <summary>
/// Carries account changes between instances that share one PostgreSQL database, so that each can keep
/// <see cref="AccountStates"/> cached. The instance that changes an account sends <c>NOTIFY</c> with the account's
/// id in the change's own transaction (<see cref="NotifyAsync"/>; PostgreSQL delivers it when that transaction
/// commits, and never if it rolls back); every instance listens on one connection of its own and drops the account
/// from its cache when the notice arrives. While that connection is not listening (before the first connect, after
/// a loss, until the reconnect) the cache is off (<see cref="AccountStates.SetListening"/>): every bearer request reads
/// the account, and the reconnect starts from an empty cache, since notices sent meanwhile are lost.
/// </summary>
public sealed partial class AccountChangeListener(AccountStates accounts, IServiceProvider services, ILogger<AccountChangeListener> logger)
    : BackgroundService
{
    /// <summary>The channel; PostgreSQL scopes it to the database, so instances of another database never hear it.</summary>
    public const string Channel = "verification_accounts";

    /// <summary>The listening connection's application_name (operators see it in pg_stat_activity; the tests end it there).</summary>
    public const string ApplicationName = "verification-account-listener";

    /// <summary>Sends the account's change notice inside the caller's current transaction, if any (PostgreSQL only).</summary>
    public static async Task NotifyAsync(VerificationDb db, Guid accountId, CancellationToken ct)
    {
        if (db.Provider == DatabaseProvider.PostgreSql)
            await db.Database.ExecuteSqlAsync($"SELECT pg_notify({Channel}, {accountId.ToString("D")})", ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!accounts.NeedsNotices)
            return;
        string connectionString;
        await using (var scope = services.CreateAsyncScope())
            connectionString = scope.ServiceProvider.GetRequiredService<VerificationDb>().Database.GetConnectionString()!;
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            ApplicationName = ApplicationName,
            // Its own physical connection, outside the pool the requests use.
            Pooling = false,
            // A connection that died without a word (a network partition) is found within seconds, not at the OS's
            // TCP timeout; until then the cache lifetime bounds what a missed notice can cost.
            KeepAlive = 5,
        };
        var retry = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                connection.Notification += (_, e) =>
                {
                    if (Guid.TryParse(e.Payload, out var id))
                        accounts.ChangedElsewhere(id);
                };
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                accounts.SetListening(true);
                retry = TimeSpan.FromMilliseconds(250);
                LogListening(logger);
                while (true)
                    await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or System.Net.Sockets.SocketException or IOException)
            {
                LogLost(logger, e);
            }
            finally
            {
                if (accounts.Listening)
                    accounts.SetListening(false);
            }
            try
            {
                await Task.Delay(retry, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            retry = TimeSpan.FromMilliseconds(Math.Min(retry.TotalMilliseconds * 2, 10_000));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for account changes of other instances: the account cache is on")]
    private static partial void LogListening(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account change notices lost: the account cache is off until they are heard again")]
    private static partial void LogLost(ILogger logger, Exception exception);
}
