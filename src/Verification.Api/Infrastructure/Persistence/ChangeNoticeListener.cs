using Microsoft.EntityFrameworkCore;
using Npgsql;
using Verification.Api.Infrastructure.Security;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Persistence;

/// <summary>
/// Carries changes between instances that share one PostgreSQL database, so that each can keep what they change
/// cached: accounts (<see cref="AccountStates"/>) and claim versions (<see cref="ClaimVersions"/>). The instance that
/// changes one sends <c>NOTIFY</c> with its id in the change's own transaction (<see cref="NotifyAccountAsync"/>,
/// <see cref="ClaimWriteTracker"/>; PostgreSQL delivers it when that transaction commits, and never if it rolls back);
/// every instance listens on one connection of its own and drops the id from its cache when the notice arrives. While
/// that connection is not listening (before the first connect, after a loss, until the reconnect) both caches are off
/// (<c>SetListening</c>): every request reads the database, and the reconnect starts from empty caches, since notices
/// sent meanwhile are lost.
/// </summary>
public sealed partial class ChangeNoticeListener(AccountStates accounts, ClaimVersions claims, IServiceProvider services,
    ILogger<ChangeNoticeListener> logger)
    : BackgroundService
{
    /// <summary>The channels; PostgreSQL scopes them to the database, so instances of another database never hear them.</summary>
    public const string AccountChannel = "verification_accounts";

    /// <summary>Claims whose version changed: the payload is their ids, comma-separated.</summary>
    public const string ClaimChannel = "verification_claims";

    /// <summary>The listening connection's application_name (operators see it in pg_stat_activity; the tests end it there).</summary>
    public const string ApplicationName = "verification-change-listener";

    /// <summary>Sends the account's change notice inside the caller's current transaction, if any (PostgreSQL only).</summary>
    public static async Task NotifyAccountAsync(VerificationDb db, Guid accountId, CancellationToken ct)
    {
        if (db.Provider == DatabaseProvider.PostgreSql)
            await db.Database.ExecuteSqlAsync($"SELECT pg_notify({AccountChannel}, {accountId.ToString("D")})", ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!accounts.NeedsNotices && !claims.NeedsNotices)
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
                connection.Notification += (_, e) => Heard(e.Channel, e.Payload);
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {AccountChannel}; LISTEN {ClaimChannel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                accounts.SetListening(true);
                claims.SetListening(true);
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
                if (claims.Listening)
                    claims.SetListening(false);
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

    private void Heard(string channel, string payload)
    {
        if (channel == AccountChannel)
        {
            if (Guid.TryParse(payload, out var account))
                accounts.ChangedElsewhere(account);
            return;
        }
        if (channel != ClaimChannel)
            return;
        foreach (var part in payload.Split(','))
        {
            if (Guid.TryParse(part, out var claim))
                claims.ChangedElsewhere(claim);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for account and claim changes of other instances: the account and claim version caches are on")]
    private static partial void LogListening(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Change notices lost: the account and claim version caches are off until they are heard again")]
    private static partial void LogLost(ILogger logger, Exception exception);
}
