using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Verification.Domain.Audit;

/// <summary>
/// One link of the audit hash chain. Its hash covers its own fields and the previous entry's hash, in a
/// canonical encoding, so changing, removing or reordering any entry breaks every hash after it.
/// </summary>
public sealed class AuditEntry
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    private AuditEntry() { }

    public long Sequence { get; private set; }
    public Guid Id { get; private set; }
    public DateTime At { get; private set; }
    public string Actor { get; private set; } = string.Empty;
    public string Action { get; private set; } = string.Empty;
    public string? TargetId { get; private set; }
    public string ChangeDigest { get; private set; } = string.Empty;
    public string PreviousHash { get; private set; } = string.Empty;
    public string Hash { get; private set; } = string.Empty;

    /// <summary>
    /// The digest of the record states this entry covers (<see cref="AuditRecordState.DigestOf"/>), hashed into the
    /// entry after the previous hash. Null only on entries written before records were covered; their hash has eight fields.
    /// </summary>
    public string? RecordsDigest { get; private set; }

    public static AuditEntry Append(long previousSequence, string previousHash, DateTime at, string actor, string action,
        string? targetId, string changeDigest, string? recordsDigest = null)
    {
        var entry = new AuditEntry
        {
            Sequence = previousSequence + 1,
            Id = Guid.CreateVersion7(),
            // Stored precision differs by provider; truncating to microseconds keeps the hash reproducible on all three.
            At = new DateTime(at.Ticks - at.Ticks % 10, DateTimeKind.Utc),
            Actor = actor,
            Action = action,
            TargetId = targetId,
            ChangeDigest = changeDigest,
            PreviousHash = previousHash,
            RecordsDigest = recordsDigest,
        };
        entry.Hash = entry.ComputeHash();
        return entry;
    }

    /// <summary>
    /// The canonical encoding: each field as its UTF-8 byte length, a colon and the bytes, in a fixed order.
    /// Length prefixes make the encoding unambiguous whatever characters a field holds. An entry that covers record
    /// states has a ninth field, its records digest; one without has eight (entries written before records were covered).
    /// </summary>
    public static byte[] CanonicalEncoding(long sequence, Guid id, DateTime at, string actor, string action, string? targetId,
        string changeDigest, string previousHash, string? recordsDigest = null)
    {
        var buffer = new byte[MaxEncodedLength(actor, action, targetId, changeDigest, previousHash, recordsDigest)];
        var length = Encode(buffer, sequence, id, at, actor, action, targetId, changeDigest, previousHash, recordsDigest);
        return buffer[..length];
    }

    public string ComputeHash()
    {
        Span<byte> hash = stackalloc byte[32];
        ComputeHash(hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Whether <see cref="Hash"/> is the hash of the entry's fields, compared as lower-case hex without allocating.</summary>
    internal bool HashMatchesFields()
    {
        Span<byte> hash = stackalloc byte[32];
        ComputeHash(hash);
        Span<char> hex = stackalloc char[64];
        return Convert.TryToHexStringLower(hash, hex, out _) && Hash.AsSpan().SequenceEqual(hex);
    }

    // The chain is hashed on every append and re-hashed entry by entry on every verification: the encoding is written
    // straight into one buffer (on the stack for entries of ordinary size), with no intermediate strings.
    private void ComputeHash(Span<byte> destination)
    {
        var max = MaxEncodedLength(Actor, Action, TargetId, ChangeDigest, PreviousHash, RecordsDigest);
        byte[]? rented = null;
        var buffer = max <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var length = Encode(buffer, Sequence, Id, At, Actor, Action, TargetId, ChangeDigest, PreviousHash, RecordsDigest);
            SHA256.HashData(buffer[..length], destination);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static int MaxEncodedLength(string actor, string action, string? targetId, string changeDigest, string previousHash,
        string? recordsDigest) =>
        // Three formatted fields (at most 20 + 36 + 27 bytes) and nine length prefixes of at most 11 bytes each.
        83 + 9 * 11 + Encoding.UTF8.GetMaxByteCount(recordsDigest?.Length ?? 0) + Encoding.UTF8.GetMaxByteCount(actor.Length) + Encoding.UTF8.GetMaxByteCount(action.Length)
        + Encoding.UTF8.GetMaxByteCount(targetId?.Length ?? 0) + Encoding.UTF8.GetMaxByteCount(changeDigest.Length)
        + Encoding.UTF8.GetMaxByteCount(previousHash.Length);

    private static int Encode(Span<byte> destination, long sequence, Guid id, DateTime at, string actor, string action, string? targetId,
        string changeDigest, string previousHash, string? recordsDigest)
    {
        Span<byte> formatted = stackalloc byte[40];
        var written = 0;
        sequence.TryFormat(formatted, out var length, default, CultureInfo.InvariantCulture);
        written += Field(destination[written..], formatted[..length]);
        id.TryFormat(formatted, out length, "D");
        written += Field(destination[written..], formatted[..length]);
        at.ToUniversalTime().TryFormat(formatted, out length, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        written += Field(destination[written..], formatted[..length]);
        written += Field(destination[written..], actor);
        written += Field(destination[written..], action);
        written += Field(destination[written..], targetId ?? string.Empty);
        written += Field(destination[written..], changeDigest);
        written += Field(destination[written..], previousHash);
        if (recordsDigest is not null)
            written += Field(destination[written..], recordsDigest);
        return written;
    }

    private static int Field(Span<byte> destination, ReadOnlySpan<byte> value)
    {
        value.Length.TryFormat(destination, out var written, default, CultureInfo.InvariantCulture);
        destination[written++] = (byte)':';
        value.CopyTo(destination[written..]);
        return written + value.Length;
    }

    private static int Field(Span<byte> destination, string value)
    {
        Encoding.UTF8.GetByteCount(value).TryFormat(destination, out var written, default, CultureInfo.InvariantCulture);
        destination[written++] = (byte)':';
        return written + Encoding.UTF8.GetBytes(value, destination[written..]);
    }
}

/// <summary>The result of walking the chain from its first entry.</summary>
public sealed record ChainVerification(bool Valid, long Checked, Guid? FirstInvalidEntryId, long? FirstInvalidSequence);

/// <summary>
/// Walks the chain one entry at a time, in sequence order, so that a chain of any length is checked in constant
/// memory. An entry is bad when its sequence is not the next one (an entry removed or reordered), when it does
/// not point at the previous entry's hash, or when its own hash does not match its fields (an entry changed).
/// </summary>
public sealed class AuditChainVerifier
{
    private long _expected = 1;
    private string _previous = AuditEntry.GenesisHash;

    public long Checked { get; private set; }
    public AuditEntry? FirstInvalid { get; private set; }

    /// <summary>
    /// Checks the next entry's place and hash; false once the chain is broken (later entries are not looked at). The
    /// record states the entry covers are not looked at: <see cref="Accept(AuditEntry, IReadOnlyCollection{AuditRecordState})"/> checks them too.
    /// </summary>
    public bool Accept(AuditEntry entry) => Accept(entry, null);

    /// <summary>
    /// Checks the next entry and the record states stored for it: an entry with a records digest must find exactly
    /// the states it was written with, and an entry without one must have none.
    /// </summary>
    public bool Accept(AuditEntry entry, IReadOnlyCollection<AuditRecordState>? states)
    {
        if (FirstInvalid is not null)
            return false;
        var statesMatch = states is null
            || (entry.RecordsDigest is null ? states.Count == 0 : AuditRecordState.DigestOf(states) == entry.RecordsDigest);
        if (entry.Sequence != _expected || entry.PreviousHash != _previous || !entry.HashMatchesFields() || !statesMatch)
        {
            FirstInvalid = entry;
            return false;
        }
        _previous = entry.Hash;
        _expected++;
        Checked++;
        return true;
    }

    public ChainVerification Result => new(FirstInvalid is null, Checked, FirstInvalid?.Id, FirstInvalid?.Sequence);

    public static ChainVerification Verify(IEnumerable<AuditEntry> entriesInSequenceOrder)
    {
        var verifier = new AuditChainVerifier();
        foreach (var entry in entriesInSequenceOrder)
        {
            if (!verifier.Accept(entry))
                break;
        }
        return verifier.Result;
    }
}
