namespace Verification.Domain.Claims;

/// <summary>The stages of MISSION.md, by their exact names.</summary>
public enum ClaimStage
{
    Submitted,
    InCorroboration,
    VerdictProposed,
    Decided,
    Rejected,
    Withdrawn,
}

public enum ViolationType
{
    UnlawfulKilling,
    AttackCivilianHarm,
    Torture,
    ArbitraryDetention,
    EnforcedDisappearance,
    SexualViolence,
    AttackOnProtectedObject,
    ForcedDisplacement,
    Other,
}

/// <summary>How precisely the dates are known, as ACLED codes it.</summary>
public enum TimePrecision
{
    Day,
    Week,
    Month,
}

/// <summary>How precisely the place is known.</summary>
public enum GeoPrecision
{
    Exact,
    NearbyTown,
    Region,
}

public enum PerpetratorType
{
    StateForce,
    ForeignOrPrivateMilitary,
    NonStateArmedGroup,
    Unknown,
}

public enum SourceType
{
    Witness,
    Victim,
    LocalMedia,
    InternationalMedia,
    NgoReport,
    SocialMedia,
    OfficialStatement,
    Other,
}

public enum TriageDecision
{
    Accept,
    Reject,
}
