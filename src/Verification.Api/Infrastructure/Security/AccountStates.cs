using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Primitives;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Security;

/// <summary>
/// What <see cref="AccountChecks"/> holds a bearer token against: the account's security stamp and the flags that
/// limit it. Read with one indexed query (compiled once); kept per account for at most
/// <c>Security:AccountCacheSeconds</c> (API.md allows 5 s for a change to reach every instance, so never more), and
/// dropped at once in this process when the account is written (<see cref="Changed"/>, called by the user store on
/// every update: roles, deactivation, password, two-factor, lockout, security stamp).
/// <para>
/// On SQLite (one process on one machine, docs/operations.md) that is all. On PostgreSQL several instances may share
/// the accounts, so a change made on one must reach the others: the user store sends a <c>NOTIFY</c> in the change's
/// own transaction (delivered when it commits) and every instance <c>LISTEN</c>s on one connection
/// (<see cref="Persistence.ChangeNoticeListener"/>), dropping the account at once when the notice arrives. The cache is trusted
/// only while that connection is listening: before it is up, after it is lost and until it is back, every request
/// reads the database, and whatever was cached before the loss is thrown away (notices sent meanwhile are gone). A
/// notice lost in the moment before the loss is noticed is still bounded by the cache lifetime. SQL Server has no such
/// signal: there the account is read on every request unless an operator with a single instance sets the key. Only a
/// cached state whose stamp equals the token's is trusted: a token newer than the cache (after a password change)
/// reads the database.
/// </para>
/// </summary>
public sealed class AccountStates : IDisposable
{
    public sealed record State(string? SecurityStamp, bool Deactivated, bool MustChangePassword, bool TwoFactorEnabled);

    /// <summary>The longest staleness the contract allows (API.md: a role change reaches every instance within 5 s).</summary>
    public const int MaxCacheSeconds = 5;

    // Per instance, not static: a compiled query binds to the first model it runs on, and one process may host
    // instances on different providers (the HTTP tests run SQLite and PostgreSQL side by side).
    private readonly Func<VerificationDb, Guid, CancellationToken, Task<State?>> _read = EF.CompileAsyncQuery(
        (VerificationDb db, Guid id, CancellationToken _) => db.Users.AsNoTracking().Where(u => u.Id == id)
            .Select(u => new State(u.SecurityStamp, u.DeactivatedAt != null, u.MustChangePassword, u.TwoFactorEnabled))
            .FirstOrDefault());

    private readonly MemoryCache _states = new(new MemoryCacheOptions { SizeLimit = 10_000 });
    // When each account last changed (Environment.TickCount64): a read that overlaps a change is not kept, and for one
    // cache lifetime after a change nothing is kept, since the change's transaction may commit after the store's write.
    private readonly ConcurrentDictionary<Guid, long> _changedAt = new();
    // When a notice of another instance's committed change arrived: reads that started before it are not kept.
    private readonly ConcurrentDictionary<Guid, long> _noticedAt = new();
    // One signal per account whose tokens are in the bearer-token cache: cancelled when the account changes.
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _signals = new();
    private readonly long _lifetimeMs;
    // PostgreSQL: the cache is trusted only while the change notices are heard. The generation moves on every start
    // and loss of listening, so a read that overlapped one is not kept.
    private readonly bool _needsNotices;
    private volatile bool _listening;
    private long _generation;

    public AccountStates(IConfiguration configuration, Verification.Api.Infrastructure.Persistence.DatabaseOptions database)
    {
        var configured = configuration.GetValue<int?>("Security:AccountCacheSeconds");
        var seconds = configured ?? (database.Provider is DatabaseProvider.Sqlite or DatabaseProvider.PostgreSql ? MaxCacheSeconds : 0);
        _lifetimeMs = Math.Clamp(seconds, 0, MaxCacheSeconds) * 1000L;
        _needsNotices = database.Provider == DatabaseProvider.PostgreSql;
    }

    /// <summary>Whether states are kept at all (a lifetime above zero); on PostgreSQL only while <see cref="Listening"/>.</summary>
    public bool Caches => _lifetimeMs > 0;

    /// <summary>Whether the cache needs <see cref="Persistence.ChangeNoticeListener"/> to hear other instances' changes (PostgreSQL).</summary>
    public bool NeedsNotices => _needsNotices && _lifetimeMs > 0;

    /// <summary>Whether other instances' changes are heard now (PostgreSQL): if not, nothing is read from or kept in the cache.</summary>
    public bool Listening => _listening;

    private bool Trusted => _lifetimeMs > 0 && (!_needsNotices || _listening);

    /// <summary>
    /// The listener started or stopped hearing notices: either way what is cached may have missed one, so it goes,
    /// and reads in flight across the switch are not kept.
    /// </summary>
    public void SetListening(bool listening)
    {
        Interlocked.Increment(ref _generation);
        _listening = listening;
        _states.Clear();
        Interlocked.Increment(ref _generation);
    }

    /// <summary>The account as it is now (at most the cache lifetime old), or null when there is none.</summary>
    public async ValueTask<State?> GetAsync(Guid id, string presentedStamp, IServiceProvider services, CancellationToken ct)
    {
        if (Trusted && _states.TryGetValue(id, out State? cached) && cached!.SecurityStamp == presentedStamp)
            return cached;
        var started = Environment.TickCount64;
        var generation = Interlocked.Read(ref _generation);
        var trusted = Trusted;
        var state = await _read(services.GetRequiredService<VerificationDb>(), id, ct);
        if (trusted && state is not null && Keepable(id, started, generation))
        {
            _states.Set(id, state, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromMilliseconds(_lifetimeMs) });
            // A change (or a lost notice connection) that landed while the entry was being written wins.
            if (!Keepable(id, started, generation))
                _states.Remove(id);
        }
        return state;
    }

    /// <summary>The account was written: its cached state and its cached bearer tokens go at once.</summary>
    public void Changed(Guid id)
    {
        _changedAt[id] = Environment.TickCount64;
        _states.Remove(id);
        if (_signals.TryRemove(id, out var signal))
        {
            signal.Cancel();
            signal.Dispose();
        }
        // Forget old change times, so the map holds only the accounts changed within the last cache lifetime or so.
        if (_changedAt.Count > 64)
        {
            var before = Environment.TickCount64 - 2 * Math.Max(_lifetimeMs, 1000);
            foreach (var (key, at) in _changedAt)
            {
                if (at < before)
                    _changedAt.TryRemove(new KeyValuePair<Guid, long>(key, at));
            }
        }
    }

    /// <summary>
    /// Another instance changed the account and its transaction has committed (a PostgreSQL notice is delivered only
    /// then): the cached state and tokens go at once, a read that started before this moment is not kept, and a read
    /// that starts after it sees the change, so (unlike <see cref="Changed"/>) nothing more is held back.
    /// </summary>
    public void ChangedElsewhere(Guid id)
    {
        _noticedAt[id] = Environment.TickCount64;
        _states.Remove(id);
        if (_signals.TryRemove(id, out var signal))
        {
            signal.Cancel();
            signal.Dispose();
        }
        if (_noticedAt.Count > 64)
        {
            var before = Environment.TickCount64 - 2 * Math.Max(_lifetimeMs, 1000);
            foreach (var (key, at) in _noticedAt)
            {
                if (at < before)
                    _noticedAt.TryRemove(new KeyValuePair<Guid, long>(key, at));
            }
        }
    }

    /// <summary>A change token that fires when the account changes: cached bearer tokens of the account expire with it.</summary>
    public IChangeToken Watch(Guid id)
    {
        var signal = _signals.GetOrAdd(id, static _ => new CancellationTokenSource());
        try
        {
            return new CancellationChangeToken(signal.Token);
        }
        catch (ObjectDisposedException)
        {
            // Changed() removed and disposed it in between: the change has happened, so the token is already expired.
            return new CancellationChangeToken(new CancellationToken(canceled: true));
        }
    }

    private bool Keepable(Guid id, long readStarted, long generation) =>
        Trusted && Interlocked.Read(ref _generation) == generation
        && (!_noticedAt.TryGetValue(id, out var noticed) || noticed < readStarted)
        && (!_changedAt.TryGetValue(id, out var changed) || (changed < readStarted && Environment.TickCount64 - changed > _lifetimeMs));

    public void Dispose()
    {
        _states.Dispose();
        foreach (var signal in _signals.Values)
            signal.Dispose();
    }
}
