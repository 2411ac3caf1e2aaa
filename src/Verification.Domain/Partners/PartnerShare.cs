using Verification.Domain.Evidence;

namespace Verification.Domain.Partners;

/// <summary>
/// Handing a partner the summary of an evidence item (its hash and grading, never its bytes) is a share, and every share
/// is a link in the item's chain of custody (Berkeley Protocol). The actor is null: a partner is not a staff member;
/// the details name the partner and the export.
/// </summary>
public static class PartnerShare
{
    public static CustodyEvent Of(Guid evidenceId, Guid partnerId, Guid exportId, string format, DateTime now) =>
        new(evidenceId, now, null, CustodyAction.Shared, $"summary exported to partner {partnerId} (export {exportId}, {format})");
}
