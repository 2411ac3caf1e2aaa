using Verification.Domain.Common;

namespace Verification.Domain.Evidence;

public enum EvidenceKind
{
    Photo,
    Video,
    Audio,
    Document,
    SatelliteImage,
    Link,
    Testimony,
}

public enum EvidenceStance
{
    Supports,
    Contradicts,
    Context,
}

public enum ReviewStatus
{
    Pending,
    Accepted,
    Rejected,
}

/// <summary>Admiralty code: how reliable the source is, A (completely) … E (unreliable), F (cannot be judged).</summary>
public enum SourceReliability
{
    A,
    B,
    C,
    D,
    E,
    F,
}

public enum ReviewDecision
{
    Accept,
    Reject,
}

public enum CustodyAction
{
    Intake,
    Accessed,
    Reviewed,
    Shared,
    FixityChecked,
    FixityFailed,
}

/// <summary>
/// One piece of evidence: a file, a link or a testimony. Its SHA-256 is fixed at intake (Berkeley Protocol:
/// preservation with a hash at collection) and every touch of it is a custody event.
/// </summary>
public sealed class EvidenceItem
{
    private readonly List<CustodyEvent> _custody = [];

    private EvidenceItem() { }

    public Guid Id { get; private set; }
    public Guid ClaimId { get; private set; }
    public EvidenceKind Kind { get; private set; }
    public string? Title { get; private set; }
    public string? Description { get; private set; }
    public string? Url { get; private set; }
    public DateTime? CollectedAt { get; private set; }
    public string? CollectedBy { get; private set; }
    public string? Origin { get; private set; }
    public EvidenceStance Stance { get; private set; }
    public string Sha256 { get; private set; } = string.Empty;
    public long SizeBytes { get; private set; }
    public string? ContentType { get; private set; }
    public string? DetectedContentType { get; private set; }
    public string? FileName { get; private set; }
    public bool HasContent { get; private set; }
    public Guid? DuplicateOf { get; private set; }
    public string? TestimonyText { get; private set; }

    /// <summary>The witness's name and contact, encrypted by the host before it reaches the domain.</summary>
    public string? ProtectedWitness { get; private set; }
    public Guid SubmittedBy { get; private set; }
    public DateTime SubmittedAt { get; private set; }
    public ReviewStatus ReviewStatus { get; private set; }
    public Guid? ReviewedBy { get; private set; }
    public DateTime? ReviewedAt { get; private set; }
    public string? ReviewReason { get; private set; }
    public SourceReliability? SourceReliability { get; private set; }
    public int? InformationCredibility { get; private set; }

    /// <summary>When the item's hash was last confirmed: at intake, then by each fixity check.</summary>
    public DateTime LastFixityCheckAt { get; private set; }

    /// <summary>The latest fixity check found the bytes missing or changed; cleared when a later check finds them intact.</summary>
    public bool FixityFailed { get; private set; }

    public IReadOnlyCollection<CustodyEvent> Custody => _custody;

    /// <summary>
    /// The item's ETag. Only its review ever changes (once), so the version is 1 while it waits for review and 2 after;
    /// the review status is also the row's concurrency token, so two reviews that read the same item cannot both commit.
    /// </summary>
    public long Version => VersionOf(ReviewStatus);

    public static long VersionOf(ReviewStatus status) => status == ReviewStatus.Pending ? 1 : 2;

    /// <summary>Checks an If-Match version against the current one before any change.</summary>
    public void EnsureVersion(long expected)
    {
        if (expected != Version)
            throw new StaleVersion(expected, Version);
    }

    /// <summary>
    /// The refusal for a review that lost a race with another one: the precondition it sent no longer holds (412), or,
    /// without If-Match, the item was reviewed meanwhile and each item is reviewed once (409).
    /// </summary>
    public static DomainException ReviewedMeanwhile(long? expected) => expected is { } version
        ? new StaleVersion(version, VersionOf(ReviewStatus.Accepted))
        : new RuleNotSatisfied("Already reviewed", "Another review of this evidence item committed first; each item is reviewed once.");

    public sealed record Intake(
        EvidenceKind Kind, string? Title, string? Description, string? Url, DateTime? CollectedAt, string? CollectedBy,
        string? Origin, EvidenceStance Stance, string? TestimonyText, string? ProtectedWitness);

    public sealed record StoredContent(string Sha256, long SizeBytes, string? ContentType, string? DetectedContentType,
        string? FileName, Guid? DuplicateOf);

    public static EvidenceItem Receive(Guid id, Guid claimId, Intake intake, StoredContent? content, Guid by, DateTime now)
    {
        var isFile = intake.Kind is not (EvidenceKind.Link or EvidenceKind.Testimony);
        Guard.That(!isFile || content is not null, "file", $"{intake.Kind} evidence needs a file.");
        Guard.That(isFile || content is null, "file", $"{intake.Kind} evidence takes no file; send it as JSON.");
        Guard.That(intake.Kind != EvidenceKind.Link || Uri.TryCreate(intake.Url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https",
            "url", "A link needs an absolute http or https url.");
        Guard.That(intake.Kind != EvidenceKind.Testimony || !string.IsNullOrWhiteSpace(intake.TestimonyText),
            "testimony.text", "A testimony needs its text.");
        Guard.That(intake.CollectedAt is null || intake.CollectedAt <= now.AddMinutes(5), "collectedAt", "collectedAt cannot be in the future.");

        var item = new EvidenceItem
        {
            Id = id,
            ClaimId = claimId,
            Kind = intake.Kind,
            Title = Guard.OptionalText(intake.Title, "title", 300),
            Description = Guard.OptionalText(intake.Description, "description", 10_000),
            Url = Guard.OptionalText(intake.Url, "url", 2048),
            CollectedAt = intake.CollectedAt,
            CollectedBy = Guard.OptionalText(intake.CollectedBy, "collectedBy", 200),
            Origin = Guard.OptionalText(intake.Origin, "origin", 300),
            Stance = intake.Stance,
            TestimonyText = Guard.OptionalText(intake.TestimonyText, "testimony.text", 100_000),
            ProtectedWitness = intake.ProtectedWitness,
            SubmittedBy = by,
            SubmittedAt = now,
            ReviewStatus = ReviewStatus.Pending,
            // Intake hashed the bytes, so that is the first fixity check; rolling checks start with the oldest.
            LastFixityCheckAt = now,
        };
        if (content is not null)
        {
            item.Sha256 = content.Sha256;
            item.SizeBytes = content.SizeBytes;
            item.ContentType = content.ContentType;
            item.DetectedContentType = content.DetectedContentType;
            item.FileName = content.FileName;
            item.DuplicateOf = content.DuplicateOf;
            item.HasContent = true;
        }
        else
        {
            // A link or testimony is fixed by the hash of what was recorded, so later edits would show.
            item.Sha256 = item.RecordedHash();
        }
        item._custody.Add(new CustodyEvent(id, now, by, CustodyAction.Intake, $"sha256 {item.Sha256}"));
        return item;
    }

    public void Review(Guid reviewer, ReviewDecision decision, string? reason, SourceReliability reliability, int credibility, DateTime now)
    {
        if (reviewer == SubmittedBy)
            throw new FourEyesViolation("Evidence is reviewed by someone other than the person who submitted it.");
        if (ReviewStatus != ReviewStatus.Pending)
            throw new TransitionNotAllowed("review", $"already {ReviewStatus}", "each evidence item is reviewed once");
        Guard.That(credibility is >= 1 and <= 6, "informationCredibility", "informationCredibility is 1 (confirmed) … 6 (cannot be judged).");
        // Every check runs before the first field changes: a refused review leaves the item as it was.
        var why = decision == ReviewDecision.Reject ? Guard.Text(reason, "reason", 2000) : Guard.OptionalText(reason, "reason", 2000);
        ReviewStatus = decision == ReviewDecision.Accept ? ReviewStatus.Accepted : ReviewStatus.Rejected;
        ReviewedBy = reviewer;
        ReviewedAt = now;
        ReviewReason = why;
        SourceReliability = reliability;
        InformationCredibility = credibility;
        _custody.Add(new CustodyEvent(Id, now, reviewer, CustodyAction.Reviewed, $"{ReviewStatus} {reliability}{credibility}"));
    }

    /// <summary>
    /// A fixity check (Berkeley Protocol: preservation is verified, not assumed). For a file,
    /// <paramref name="storedBytesSha256"/> is the SHA-256 of the stored bytes as read now, or null when they are
    /// missing; a link or testimony is re-hashed from what was recorded and the argument is ignored. Either way the
    /// check is a custody event, FixityChecked or FixityFailed.
    /// </summary>
    public CustodyEvent CheckFixity(string? storedBytesSha256, DateTime now)
    {
        var observed = HasContent ? storedBytesSha256 : RecordedHash();
        FixityFailed = observed != Sha256;
        LastFixityCheckAt = now;
        var details = observed switch
        {
            null => "bytes missing from the evidence store",
            _ when FixityFailed => $"sha256 is now {observed}, not {Sha256}",
            _ => $"sha256 {Sha256} intact",
        };
        var e = new CustodyEvent(Id, now, null, FixityFailed ? CustodyAction.FixityFailed : CustodyAction.FixityChecked, details);
        _custody.Add(e);
        return e;
    }

    /// <summary>
    /// The stored bytes were found missing or changed when the same bytes arrived again, and the new upload replaced
    /// them: a fixity event that names what was there and that the item's hash holds again.
    /// </summary>
    public CustodyEvent RecordRepair(string? observedBefore, DateTime now)
    {
        FixityFailed = false;
        LastFixityCheckAt = now;
        var was = observedBefore is null ? "missing" : $"sha256 {observedBefore}";
        var e = new CustodyEvent(Id, now, null, CustodyAction.FixityChecked,
            $"stored bytes were {was}; restored from a new upload of the same bytes, sha256 {Sha256} intact");
        _custody.Add(e);
        return e;
    }

    private string RecordedHash() => Hashing.Sha256Hex($"{Kind}\n{Url}\n{TestimonyText}");

    public CustodyEvent RecordAccess(Guid? by, DateTime now, string details)
    {
        var e = new CustodyEvent(Id, now, by, CustodyAction.Accessed, details);
        _custody.Add(e);
        return e;
    }
}

/// <summary>One link in the chain of custody: who touched the item, when, and how. Append-only.</summary>
public sealed class CustodyEvent
{
    private CustodyEvent() { }

    public CustodyEvent(Guid evidenceId, DateTime at, Guid? actor, CustodyAction action, string details)
    {
        Id = Guid.CreateVersion7();
        EvidenceId = evidenceId;
        At = at;
        Actor = actor;
        Action = action;
        Details = details;
    }

    public Guid Id { get; private set; }
    public Guid EvidenceId { get; private set; }
    public DateTime At { get; private set; }
    public Guid? Actor { get; private set; }
    public CustodyAction Action { get; private set; }
    public string Details { get; private set; } = string.Empty;
}
