namespace Verification.Persistence;

/// <summary>
/// The latest result of one background check (the audit chain walk, evidence fixity), one row per check, so that
/// every API instance's health endpoint and metrics report the same result whichever instance ran the check.
/// </summary>
public sealed class OperationalCheck
{
    public const string AuditChain = "audit-chain";
    public const string EvidenceFixity = "evidence-fixity";

    private OperationalCheck() { }

    public OperationalCheck(string name) => Name = name;

    public string Name { get; private set; } = string.Empty;
    public bool Passed { get; private set; }
    public DateTime CheckedAt { get; private set; }

    /// <summary>How many were looked at in the latest run: audit entries, or evidence items.</summary>
    public long Checked { get; private set; }

    /// <summary>How many are failing now: 1 for a broken audit chain, the evidence items whose last fixity check failed.</summary>
    public long Failures { get; private set; }

    /// <summary>The first invalid audit entry, or one failing evidence item, for the person who looks into it.</summary>
    public Guid? FirstFailureId { get; private set; }

    public void Record(DateTime at, long checkedCount, long failures, Guid? firstFailureId)
    {
        Passed = failures == 0;
        CheckedAt = at;
        Checked = checkedCount;
        Failures = failures;
        FirstFailureId = firstFailureId;
    }
}
