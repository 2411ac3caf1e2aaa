using Verification.Domain.Common;

namespace Verification.Domain.Staff;

/// <summary>
/// An organisation always keeps one active coordinator: only a coordinator manages staff, so without one only direct
/// database access could recover. Any change that takes the role or the account away (a role change, a deactivation)
/// goes through this rule, and the caller counts the coordinators inside a serializing lock, so two coordinators who
/// demote each other at the same moment cannot both succeed.
/// </summary>
public static class LastCoordinator
{
    /// <param name="isActiveCoordinator">the account is an active coordinator before the change</param>
    /// <param name="remainsActiveCoordinator">it still is after the change</param>
    /// <param name="activeCoordinators">active coordinators before the change, this account included</param>
    public static void EnsureOneRemains(bool isActiveCoordinator, bool remainsActiveCoordinator, int activeCoordinators)
    {
        if (isActiveCoordinator && !remainsActiveCoordinator && activeCoordinators <= 1)
            throw new RuleNotSatisfied("Last coordinator", "The last coordinator keeps the role and the account; make someone else a coordinator first.");
    }
}
