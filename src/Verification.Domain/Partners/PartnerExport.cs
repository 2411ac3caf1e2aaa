using Verification.Domain.Common;

namespace Verification.Domain.Partners;

/// <summary>
/// One export a partner received, and what it held: the count, the SHA-256 of the exact bytes sent, one line per record
/// and the signed tree head current when it began. From these the instance serves a signed manifest, so a partner (or a
/// court) can show later that a file is what this instance sent, record by record (API.md, Integrity).
/// </summary>
public sealed class PartnerExport
{
    private PartnerExport()
    {
    }

    public Guid Id { get; private set; }
    public Guid PartnerId { get; private set; }
    public string Format { get; private set; } = string.Empty;
    public DateTime CreatedAt { get; private set; }

    /// <summary>The signed head current at export time as its published JSON, or null before the first head.</summary>
    public string? Head { get; private set; }

    public long? RecordCount { get; private set; }
    public string? Sha256 { get; private set; }
    public DateTime? FinishedAt { get; private set; }

    /// <summary>False while streaming, and for ever when the partner disconnected before the last byte.</summary>
    public bool IsFinished => FinishedAt is not null;

    public static PartnerExport Begin(Guid id, Guid partnerId, string format, string? head, DateTime now) =>
        new() { Id = id, PartnerId = partnerId, Format = format, Head = head, CreatedAt = now };

    public void Finish(long recordCount, string sha256, DateTime now)
    {
        if (IsFinished)
            throw new InvariantViolation(nameof(FinishedAt), "The export has already finished.");
        if (recordCount < 0 || sha256.Length != 64)
            throw new InvariantViolation(nameof(Sha256), "An export finishes with its record count and the SHA-256 of its bytes.");
        RecordCount = recordCount;
        Sha256 = sha256;
        FinishedAt = now;
    }
}

/// <summary>One record of an export, in the order written: which claim, at which version, and the SHA-256 of its own bytes.</summary>
public sealed class PartnerExportRecord
{
    private PartnerExportRecord()
    {
    }

    public Guid ExportId { get; private set; }
    public long Ordinal { get; private set; }
    public Guid ClaimId { get; private set; }
    public long ClaimVersion { get; private set; }
    public string Sha256 { get; private set; } = string.Empty;

    public static PartnerExportRecord Of(Guid exportId, long ordinal, Guid claimId, long claimVersion, string sha256) =>
        new() { ExportId = exportId, Ordinal = ordinal, ClaimId = claimId, ClaimVersion = claimVersion, Sha256 = sha256 };
}
