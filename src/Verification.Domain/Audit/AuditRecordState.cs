using Verification.Domain.Common;

namespace Verification.Domain.Audit;

/// <summary>
/// The state a command left one claim or evidence item in, as a digest (docs/integrity.md, "Covered records"): the
/// audit entry of that command covers it, and <see cref="AuditEntry.RecordsDigest"/> binds the set of them into the
/// chain, so editing a record, or this table, behind the API's back shows.
/// </summary>
public sealed class AuditRecordState
{
    public const string Claim = "Claim";
    public const string Evidence = "Evidence";

    private AuditRecordState() { }

    public AuditRecordState(long sequence, string recordType, Guid recordId, string digest)
    {
        Sequence = sequence;
        RecordType = recordType;
        RecordId = recordId;
        Digest = digest;
    }

    public long Sequence { get; private set; }

    /// <summary><see cref="Claim"/> or <see cref="Evidence"/>.</summary>
    public string RecordType { get; private set; } = string.Empty;
    public Guid RecordId { get; private set; }

    /// <summary>Lowercase hex SHA-256 of the record's canonical state.</summary>
    public string Digest { get; private set; } = string.Empty;

    /// <summary>
    /// The records digest of an entry: SHA-256 over one line <c>type:id:digest\n</c> per covered record (id as a
    /// lowercase GUID with hyphens), lines sorted by ordinal comparison. An entry that covers none has the digest of
    /// the empty string.
    /// </summary>
    public static string DigestOf(IEnumerable<(string RecordType, Guid RecordId, string Digest)> states)
    {
        var lines = states.Select(s => $"{s.RecordType}:{s.RecordId:D}:{s.Digest}\n").Order(StringComparer.Ordinal);
        return Hashing.Sha256Hex(string.Concat(lines));
    }

    public static string DigestOf(IEnumerable<AuditRecordState> states) => DigestOf(states.Select(s => (s.RecordType, s.RecordId, s.Digest)));
}
