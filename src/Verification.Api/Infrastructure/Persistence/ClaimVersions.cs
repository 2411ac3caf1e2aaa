using System.Collections.Concurrent;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Persistence;

/// <summary>
/// The current version of claims read lately, so that a conditional read (<c>If-None-Match</c> naming the claim's
/// version) by a caller who sees every claim is answered <c>304</c> without the database. It holds no claim data: only
/// "claim X is at version V", which says nothing about who may see X, so an investigator's conditional read (whose
/// right to the claim depends on its row) still goes to the database.
/// <para>
/// <b>Why it cannot go stale in this process.</b> A version changes only when a claim saved through the change tracker
/// (every domain move bumps it; nothing writes <c>Claims.Version</c> in SQL) commits. <see cref="ClaimWriteTracker"/>
/// calls <see cref="Writing"/> when such a save starts and <see cref="Written"/> when its transaction has ended
/// (committed, rolled back or thrown away). While a write is in flight the claim is not kept; an entry set by a read
/// that overlapped any write's start or end is dropped (the <see cref="_clock"/> moved during it). So an entry only
/// ever holds a version read after the last write to that claim had ended.
/// </para>
/// <para>
/// <b>Other instances.</b> On SQLite there are none (one process, docs/operations.md). On PostgreSQL the writing
/// instance sends a <c>NOTIFY</c> in the write's own transaction (delivered only when it commits), and
/// <see cref="ChangeNoticeListener"/> drops the claim here when it arrives: a 304 may answer for the old version for the
/// moment the notice takes to arrive, as a read that started just before the commit would. The cache is trusted only
/// while that listener hears notices, and is thrown away whenever it starts or stops hearing them (notices sent
/// meanwhile are lost). SQL Server has no such signal, so there every conditional read goes to the database.
/// </para>
/// <para>
/// <b>A change made outside the API</b> (a database edit, which no part of the product makes) is seen within
/// <c>ReadModel:VersionCacheSeconds</c> (60 by default; 0 turns the cache off): each entry is kept that long at most.
/// </para>
/// </summary>
public sealed class ClaimVersions
{
    /// <summary>At most this many claims are kept; reaching it starts over from empty (about 7 MiB at the bound).</summary>
    public const int Capacity = 100_000;

    /// <summary>The default of <c>ReadModel:VersionCacheSeconds</c>.</summary>
    public const int DefaultSeconds = 60;

    private readonly record struct Known(long Version, long Until);

    private readonly ConcurrentDictionary<Guid, Known> _current = new();
    // Claims with a save whose transaction has not ended yet, and how many such saves.
    private readonly ConcurrentDictionary<Guid, int> _writing = new();
    private readonly bool _enabled;
    private readonly bool _needsNotices;
    private readonly long _lifetimeMs;
    private volatile bool _listening;
    private int _count;
    // Moves at every write's start and end, every notice and every switch of the listener: a read that saw it move
    // may have read a version that is no longer current, so its answer is not kept.
    private long _clock;

    public ClaimVersions(DatabaseOptions database, IConfiguration configuration)
    {
        _lifetimeMs = Math.Max(0, configuration.GetValue("ReadModel:VersionCacheSeconds", DefaultSeconds)) * 1000L;
        _enabled = _lifetimeMs > 0 && database.Provider is DatabaseProvider.Sqlite or DatabaseProvider.PostgreSql;
        _needsNotices = database.Provider == DatabaseProvider.PostgreSql;
    }

    /// <summary>Whether versions are kept on this provider at all (on PostgreSQL only while <see cref="Listening"/>).</summary>
    public bool Caches => _enabled;

    /// <summary>Whether the cache needs <see cref="ChangeNoticeListener"/> to hear other instances' writes (PostgreSQL).</summary>
    public bool NeedsNotices => _enabled && _needsNotices;

    /// <summary>Whether other instances' writes are heard now (PostgreSQL): if not, nothing is read from or kept in the cache.</summary>
    public bool Listening => _listening;

    /// <summary>How many claims are kept now (for tests and the bound).</summary>
    public int Count => Volatile.Read(ref _count);

    private bool Trusted => _enabled && (!_needsNotices || _listening);

    /// <summary>Whether the claim is known to be at this version now.</summary>
    public bool IsCurrent(Guid claimId, long version) =>
        Trusted && _current.TryGetValue(claimId, out var known) && known.Version == version && Environment.TickCount64 < known.Until;

    /// <summary>Taken before a read of the claim's version; <see cref="Remember"/> keeps what the read found only if nothing moved meanwhile.</summary>
    public long StartRead() => Interlocked.Read(ref _clock);

    /// <summary>What a read that started at <paramref name="started"/> found: kept unless a write or notice overlapped it.</summary>
    public void Remember(Guid claimId, long version, long started)
    {
        if (!Keepable(claimId, started))
            return;
        if (Volatile.Read(ref _count) >= Capacity)
            Clear();
        var known = new Known(version, Environment.TickCount64 + _lifetimeMs);
        if (!_current.TryGetValue(claimId, out var kept))
        {
            if (_current.TryAdd(claimId, known))
                Interlocked.Increment(ref _count);
        }
        else if (kept.Version != version || known.Until - kept.Until > 1000)
        {
            // Renewed at most once a second, not on every read.
            _current.TryUpdate(claimId, known, kept);
        }
        // A write that started, or a notice that arrived, while the entry was being set wins.
        if (!Keepable(claimId, started))
            Forget(claimId);
    }

    /// <summary>A save of the claim starts: it is not kept until <see cref="Written"/> says the save's transaction ended.</summary>
    public void Writing(Guid claimId)
    {
        _writing.AddOrUpdate(claimId, 1, static (_, n) => n + 1);
        Interlocked.Increment(ref _clock);
        Forget(claimId);
    }

    /// <summary>The transaction of a save announced by <see cref="Writing"/> committed or was rolled back.</summary>
    public void Written(Guid claimId)
    {
        while (_writing.TryGetValue(claimId, out var n))
        {
            if (n <= 1 ? _writing.TryRemove(new KeyValuePair<Guid, int>(claimId, n)) : _writing.TryUpdate(claimId, n - 1, n))
                break;
        }
        Interlocked.Increment(ref _clock);
        Forget(claimId);
    }

    /// <summary>Another instance's write to the claim has committed (a PostgreSQL notice arrives only then).</summary>
    public void ChangedElsewhere(Guid claimId)
    {
        Interlocked.Increment(ref _clock);
        Forget(claimId);
    }

    /// <summary>The listener started or stopped hearing notices: what is kept may have missed one, so it goes.</summary>
    public void SetListening(bool listening)
    {
        Interlocked.Increment(ref _clock);
        _listening = listening;
        Clear();
        Interlocked.Increment(ref _clock);
    }

    private bool Keepable(Guid claimId, long started) =>
        Trusted && Interlocked.Read(ref _clock) == started && !_writing.ContainsKey(claimId);

    private void Forget(Guid claimId)
    {
        if (_current.TryRemove(claimId, out _))
            Interlocked.Decrement(ref _count);
    }

    private void Clear()
    {
        _current.Clear();
        Volatile.Write(ref _count, 0);
    }
}
