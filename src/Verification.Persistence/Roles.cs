namespace Verification.Persistence;

/// <summary>
/// The three staff roles of MISSION.md, as Identity role names. They live beside <see cref="StaffUser"/> because
/// the roles are rows of the Identity tables this project owns; the host's policies read them.
/// </summary>
public static class Roles
{
    public const string Investigator = "Investigator";
    public const string Reviewer = "Reviewer";
    public const string Coordinator = "Coordinator";

    public static readonly IReadOnlyList<string> All = [Investigator, Reviewer, Coordinator];
}
