namespace Verification.Persistence;

/// <summary>
/// The read side of a claim (docs/decisions, "Stored claim documents"): the exact UTF-8 JSON bytes each route answers
/// for it, written in the same transaction as every command that changes the claim, its evidence, verdict or
/// assignments. Reads send these bytes as they are; filters stay on the indexed columns of <c>Claims</c>.
/// <para>
/// Nothing per caller is stored here: a witness identity is never part of a claim document (it is added, for those
/// allowed, only to evidence answers, at read time).
/// </para>
/// </summary>
public sealed class ClaimDocument
{
    private ClaimDocument() { }

    public ClaimDocument(Guid claimId) => ClaimId = claimId;

    public Guid ClaimId { get; private set; }

    /// <summary>The claim version the documents describe (the staff route's ETag).</summary>
    public long Version { get; private set; }

    /// <summary>What <c>GET /api/v1/claims/{id}</c> answers, for every staff caller who may see the claim.</summary>
    public byte[] Staff { get; private set; } = [];

    /// <summary>What a Public partner reads of the claim; null while the claim is not decided (partners never see it).</summary>
    public byte[]? PartnerPublic { get; private set; }

    /// <summary>What a Restricted partner reads of the claim; null while the claim is not decided.</summary>
    public byte[]? PartnerRestricted { get; private set; }

    /// <summary>When the documents were last written.</summary>
    public DateTime UpdatedAt { get; private set; }

    /// <summary>Replaces the documents; answers whether anything changed.</summary>
    public bool Write(long version, byte[] staff, byte[]? partnerPublic, byte[]? partnerRestricted, DateTime at)
    {
        if (Version == version && Staff.AsSpan().SequenceEqual(staff) && Same(PartnerPublic, partnerPublic)
            && Same(PartnerRestricted, partnerRestricted))
            return false;
        Version = version;
        Staff = staff;
        PartnerPublic = partnerPublic;
        PartnerRestricted = partnerRestricted;
        UpdatedAt = at;
        return true;
    }

    private static bool Same(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}
