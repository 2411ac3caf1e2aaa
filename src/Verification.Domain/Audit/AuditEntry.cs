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

    public static AuditEntry Append(long previousSequence, string previousHash, DateTime at, string actor, string action,
        string? targetId, string changeDigest)
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
        };
        entry.Hash = entry.ComputeHash();
        return entry;
    }

    /// <summary>
    /// The canonical encoding: each field as its UTF-8 byte length, a colon and the bytes, in a fixed order.
    /// Length prefixes make the encoding unambiguous whatever characters a field holds.
    /// </summary>
    public static byte[] CanonicalEncoding(long sequence, Guid id, DateTime at, string actor, string action, string? targetId,
        string changeDigest, string previousHash)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Field(buffer, sequence.ToString(CultureInfo.InvariantCulture));
        Field(buffer, id.ToString("D"));
        Field(buffer, at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        Field(buffer, actor);
        Field(buffer, action);
        Field(buffer, targetId ?? string.Empty);
        Field(buffer, changeDigest);
        Field(buffer, previousHash);
        return buffer.WrittenSpan.ToArray();
    }

    public string ComputeHash() =>
        Convert.ToHexStringLower(SHA256.HashData(CanonicalEncoding(Sequence, Id, At, Actor, Action, TargetId, ChangeDigest, PreviousHash)));

    private static void Field(ArrayBufferWriter<byte> buffer, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var prefix = length.ToString(CultureInfo.InvariantCulture) + ":";
        Encoding.UTF8.GetBytes(prefix, buffer);
        Encoding.UTF8.GetBytes(value, buffer);
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

    /// <summary>Checks the next entry; false once the chain is broken (later entries are not looked at).</summary>
    public bool Accept(AuditEntry entry)
    {
        if (FirstInvalid is not null)
            return false;
        if (entry.Sequence != _expected || entry.PreviousHash != _previous || entry.ComputeHash() != entry.Hash)
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
