using Verification.Domain.Common;
using Verification.Domain.Verdicts;

namespace Verification.Domain.Claims;

/// <summary>
/// An allegation and its way through submission, corroboration and verdict. Every state move is one method
/// here; each refuses an impossible move with a typed error, and each bumps <see cref="Version"/>, which the
/// database uses as the concurrency token and the API shows as the ETag.
/// </summary>
public sealed class Claim
{
    private readonly List<VerdictProposal> _proposals = [];
    private readonly List<ClaimAssignment> _assignments = [];
    private readonly List<ClaimEvent> _history = [];

    private Claim() { }

    public Guid Id { get; private set; }

    /// <summary>A database-issued, strictly increasing number: the stable key of list paging and of the reference.</summary>
    public long Number { get; private set; }
    public string Reference { get; private set; } = string.Empty;
    public ClaimStage Stage { get; private set; }
    public long Version { get; private set; }
    public Guid SubmittedBy { get; private set; }
    public DateTime SubmittedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public string? ExternalId { get; private set; }
    public Guid? ImportId { get; private set; }

    public string Title { get; private set; } = string.Empty;
    public string Summary { get; private set; } = string.Empty;
    public IReadOnlyList<ViolationType> ViolationTypes => [.. Enum.GetValues<ViolationType>().Where(t => (ViolationTypeFlags & Flag(t)) != 0)];

    /// <summary>The violation types as one bit each, so that a filter on one type is a plain integer test on every database.</summary>
    public int ViolationTypeFlags { get; private set; }
    public Incident Incident { get; private set; } = null!;
    public Location Location { get; private set; } = null!;
    public IReadOnlyList<Perpetrator> Perpetrators { get; private set; } = [];
    public Harm Harm { get; private set; } = Harm.Unknown;
    public IReadOnlyList<Source> Sources { get; private set; } = [];

    /// <summary>Why the claim was rejected, withdrawn or reopened: the reason of its latest side move.</summary>
    public string? StageReason { get; private set; }
    public Guid? DuplicateOf { get; private set; }
    public bool HasBeenDecided { get; private set; }

    /// <summary>Evidence arrived after the verdict: a coordinator should look at reopening.</summary>
    public bool ReopeningSuggested { get; private set; }
    public Guid? VerdictProposalId { get; private set; }

    /// <summary>The reviewer who works on the claim, and since when: one at a time, so two reviewers do not triage or grade the same claim twice.</summary>
    public Guid? ReviewerId { get; private set; }
    public DateTime? ReviewerSince { get; private set; }

    /// <summary>The reviewer's email when assigned, so that every claim read can name them without a join to the accounts.</summary>
    public string? ReviewerEmail { get; private set; }

    public IReadOnlyCollection<VerdictProposal> Proposals => _proposals;
    public IReadOnlyCollection<ClaimAssignment> Assignments => _assignments;
    public IReadOnlyCollection<ClaimEvent> History => _history;

    public VerdictProposal? Verdict => VerdictProposalId is { } id ? _proposals.FirstOrDefault(p => p.Id == id) : null;

    public static int Flag(ViolationType type) => 1 << (int)type;

    /// <summary>The human reference, e.g. VC-2024-000017: the year of submission and the claim's number.</summary>
    public static string FormatReference(int year, long number) => $"VC-{year:D4}-{number:D6}";

    public static bool TryParseReference(string text, out long number)
    {
        number = 0;
        var parts = text.Trim().Split('-');
        return parts.Length == 3 && parts[0].Equals("VC", StringComparison.OrdinalIgnoreCase)
            && parts[1].Length == 4 && parts[1].All(char.IsAsciiDigit)
            && long.TryParse(parts[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out number);
    }

    public static Claim Submit(Guid id, long number, Guid submittedBy, DateTime now, ClaimDetails details,
        string? externalId = null, Guid? importId = null)
    {
        var claim = new Claim
        {
            Id = id,
            Number = number,
            Reference = FormatReference(now.Year, number),
            Stage = ClaimStage.Submitted,
            Version = 1,
            SubmittedBy = submittedBy,
            SubmittedAt = now,
            UpdatedAt = now,
            ExternalId = Guard.OptionalText(externalId, "externalId", 200),
            ImportId = importId,
        };
        claim.Apply(details);
        claim.Record(now, submittedBy, "Submitted", claim.Reference);
        return claim;
    }

    public void Triage(Guid reviewer, TriageDecision decision, string? reason, Guid? duplicateOf, DateTime now)
    {
        Require(ClaimStage.Submitted, "triage", "only a submitted claim is triaged");
        if (decision == TriageDecision.Accept)
        {
            Move(ClaimStage.InCorroboration, now, reviewer, "TriageAccepted", Guard.OptionalText(reason, "reason", 2000) ?? string.Empty);
            return;
        }
        Guard.That(duplicateOf != Id, "duplicateOf", "A claim cannot duplicate itself.");
        var why = Guard.Text(reason, "reason", 2000);
        DuplicateOf = duplicateOf;
        StageReason = why;
        Move(ClaimStage.Rejected, now, reviewer, "TriageRejected", duplicateOf is { } d ? $"{why} (duplicate of {d})" : why);
    }

    public void Assign(Guid userId, Guid coordinator, DateTime now)
    {
        if (Stage is ClaimStage.Rejected or ClaimStage.Withdrawn)
            throw new TransitionNotAllowed("assign", Stage.ToString(), "a closed claim takes no new investigators");
        if (userId == SubmittedBy || _assignments.Any(a => a.UserId == userId))
            throw new RuleNotSatisfied("Already on the claim", $"User {userId} already works on this claim.");
        _assignments.Add(new ClaimAssignment(Id, userId, coordinator, now));
        Touch(now);
        Record(now, coordinator, "Assigned", userId.ToString());
    }

    /// <summary>
    /// Corrects what the allegation says (a typo, a better location) while the claim is still being worked on. Each
    /// changed field goes into the history with its old and new value; a decided, rejected or withdrawn claim is
    /// corrected only by reopening it first, so a verdict never silently rests on text that changed after it.
    /// </summary>
    public IReadOnlyList<FieldChange> Edit(ClaimDetails details, Guid by, DateTime now)
    {
        if (Stage is not (ClaimStage.Submitted or ClaimStage.InCorroboration))
            throw new TransitionNotAllowed("edit", Stage.ToString(), "a claim is edited while Submitted or InCorroboration");
        var changes = FieldChange.Between(CurrentDetails(), details);
        if (changes.Count == 0)
            return changes;
        Apply(details);
        Touch(now);
        Record(now, by, FieldChange.HistoryAction, FieldChange.Describe(changes));
        return changes;
    }

    /// <summary>What the allegation says now, in the shape an edit is compared with.</summary>
    public ClaimDetails CurrentDetails() =>
        new(Title, Summary, ViolationTypes, Incident, Location, Perpetrators, Harm, Sources);

    /// <summary>
    /// Names the reviewer who works on the claim. A coordinator names anyone with the reviewer role (and may hand the
    /// claim from one reviewer to another); a reviewer may only take an unassigned claim for themselves.
    /// </summary>
    public void AssignReviewer(Guid reviewer, string reviewerEmail, Guid by, bool byCoordinator, DateTime now)
    {
        if (Stage is ClaimStage.Rejected or ClaimStage.Withdrawn)
            throw new TransitionNotAllowed("assign a reviewer to", Stage.ToString(), "a closed claim takes no reviewer");
        if (!byCoordinator && reviewer != by)
            throw new NotPermitted("A reviewer may take a claim for themselves; only a coordinator assigns someone else.");
        if (!byCoordinator && ReviewerId is { } current && current != by)
            throw new RuleNotSatisfied("Reviewer already assigned", "Another reviewer works on this claim; a coordinator can reassign it.");
        if (ReviewerId == reviewer)
            throw new RuleNotSatisfied("Already the reviewer", $"User {reviewer} already reviews this claim.");
        ReviewerId = reviewer;
        ReviewerEmail = Guard.Text(reviewerEmail, "userId", 256);
        ReviewerSince = now;
        Touch(now);
        Record(now, by, "ReviewerAssigned", reviewer.ToString());
    }

    /// <summary>Frees the claim for another reviewer: the reviewer themselves or a coordinator.</summary>
    public void ReleaseReviewer(Guid by, bool byCoordinator, DateTime now)
    {
        if (ReviewerId is not { } current)
            throw new RuleNotSatisfied("No reviewer", "Nobody is assigned to review this claim.");
        if (!byCoordinator && current != by)
            throw new NotPermitted("Only the assigned reviewer or a coordinator releases a claim.");
        ReviewerId = null;
        ReviewerEmail = null;
        ReviewerSince = null;
        Touch(now);
        Record(now, by, "ReviewerReleased", current.ToString());
    }

    public void Withdraw(Guid by, string? reason, DateTime now)
    {
        if (by != SubmittedBy)
            throw new NotPermitted("Only the investigator who submitted a claim may withdraw it.");
        if (Stage is not (ClaimStage.Submitted or ClaimStage.InCorroboration))
            throw new TransitionNotAllowed("withdraw", Stage.ToString(), "only a Submitted or InCorroboration claim can be withdrawn");
        if (HasBeenDecided)
            throw new TransitionNotAllowed("withdraw", Stage.ToString(), "a claim that was once decided stays on the record; it cannot be withdrawn");
        StageReason = Guard.Text(reason, "reason", 2000);
        Move(ClaimStage.Withdrawn, now, by, "Withdrawn", StageReason);
    }

    public VerdictProposal ProposeVerdict(Guid proposalId, Guid reviewer, VerdictRating rating, string? rationale,
        Harm? harm, IEnumerable<string>? attributedTo, Corroboration corroboration, DateTime now)
    {
        Require(ClaimStage.InCorroboration, "propose a verdict for", "a verdict is proposed while the claim is InCorroboration");
        if (!corroboration.Supports(rating))
            throw new RuleNotSatisfied("Not enough corroboration",
                $"A {rating} verdict needs at least {Corroboration.NeededForConfirmedOrFair} accepted evidence items that support the claim " +
                $"and come from different origins; this claim has {corroboration.IndependentSupportingOrigins}.");
        var names = (attributedTo ?? []).Select((n, i) => Guard.Text(n, $"attributedTo[{i}]", 200)).Distinct().ToArray();
        var proposal = new VerdictProposal(proposalId, Id, rating, Guard.Text(rationale, "rationale", 10_000),
            (harm ?? Harm).Validated(), names, reviewer, now);
        _proposals.Add(proposal);
        Move(ClaimStage.VerdictProposed, now, reviewer, "VerdictProposed", $"{rating} (proposal {proposalId})");
        return proposal;
    }

    public void ConfirmVerdict(Guid proposalId, Guid reviewer, DateTime now)
    {
        var proposal = PendingProposal(proposalId, "confirm");
        if (proposal.ProposedBy == reviewer)
            throw new FourEyesViolation("A verdict is confirmed by a different reviewer from the one who proposed it.");
        proposal.Confirm(reviewer, now);
        VerdictProposalId = proposal.Id;
        HasBeenDecided = true;
        ReopeningSuggested = false;
        StageReason = null;
        Move(ClaimStage.Decided, now, reviewer, "VerdictConfirmed", $"{proposal.Rating} (proposal {proposal.Id})");
    }

    public void RejectVerdict(Guid proposalId, Guid reviewer, string? reason, DateTime now)
    {
        var proposal = PendingProposal(proposalId, "reject");
        if (proposal.ProposedBy == reviewer)
            throw new FourEyesViolation("A proposal is rejected by a different reviewer from the one who proposed it.");
        var why = Guard.Text(reason, "reason", 2000);
        proposal.Reject(reviewer, why, now);
        Move(ClaimStage.InCorroboration, now, reviewer, "VerdictRejected", $"proposal {proposal.Id}: {why}");
    }

    public void Reopen(Guid coordinator, string? reason, DateTime now)
    {
        Require(ClaimStage.Decided, "reopen", "only a decided claim is reopened");
        StageReason = Guard.Text(reason, "reason", 2000);
        // The confirmed proposal stays in Proposals: reopening never erases an earlier verdict.
        VerdictProposalId = null;
        ReopeningSuggested = false;
        Move(ClaimStage.InCorroboration, now, coordinator, "Reopened", StageReason);
    }

    /// <summary>
    /// Evidence is taken while the claim is open to it. Evidence on a decided claim is kept and flags the claim
    /// for reopening; it never changes the verdict by itself.
    /// </summary>
    /// <summary>
    /// Evidence is taken while a claim is Submitted, InCorroboration or Decided (where it suggests reopening). A static
    /// rule of the stage alone, so that intake can be refused before an upload's bytes are read.
    /// </summary>
    public static void EnsureTakesEvidence(ClaimStage stage)
    {
        if (stage is not (ClaimStage.Submitted or ClaimStage.InCorroboration or ClaimStage.Decided))
            throw new TransitionNotAllowed("add evidence to", stage.ToString(),
                "evidence is taken while a claim is Submitted, InCorroboration or Decided");
    }

    public void AttachEvidence(Guid evidenceId, string kind, Guid by, DateTime now)
    {
        EnsureTakesEvidence(Stage);
        if (Stage == ClaimStage.Decided && !ReopeningSuggested)
        {
            ReopeningSuggested = true;
            Touch(now);
        }
        Record(now, by, "EvidenceAdded", $"{kind} {evidenceId}");
    }

    public void RecordEvidenceReview(Guid evidenceId, string outcome, Guid by, DateTime now) =>
        Record(now, by, "EvidenceReviewed", $"{evidenceId}: {outcome}");

    /// <summary>Checks an If-Match version against the current one before any change.</summary>
    public void EnsureVersion(long expected)
    {
        if (expected != Version)
            throw new StaleVersion(expected, Version);
    }

    private VerdictProposal PendingProposal(Guid proposalId, string action)
    {
        var proposal = _proposals.FirstOrDefault(p => p.Id == proposalId) ?? throw new NotFound("Verdict proposal", proposalId);
        if (Stage != ClaimStage.VerdictProposed || proposal.Status != ProposalStatus.Pending)
            throw new TransitionNotAllowed($"{action} the verdict of", Stage.ToString(),
                $"proposal {proposalId} is {proposal.Status}; only a pending proposal of a VerdictProposed claim can be decided");
        return proposal;
    }

    private void Require(ClaimStage stage, string action, string rule)
    {
        if (Stage != stage)
            throw new TransitionNotAllowed(action, Stage.ToString(), rule);
    }

    private void Apply(ClaimDetails details)
    {
        Title = details.Title;
        Summary = details.Summary;
        ViolationTypeFlags = details.ViolationTypes.Aggregate(0, (flags, t) => flags | Flag(t));
        Incident = details.Incident;
        Location = details.Location;
        Perpetrators = details.Perpetrators;
        Harm = details.Harm;
        Sources = details.Sources;
    }

    private void Move(ClaimStage to, DateTime now, Guid actor, string action, string details)
    {
        var from = Stage;
        Stage = to;
        Touch(now);
        Record(now, actor, action, details.Length == 0 ? $"{from} → {to}" : $"{from} → {to}: {details}");
    }

    private void Touch(DateTime now)
    {
        Version++;
        UpdatedAt = now;
    }

    private void Record(DateTime now, Guid? actor, string action, string details) =>
        _history.Add(new ClaimEvent(Id, now, actor, action, details));
}
