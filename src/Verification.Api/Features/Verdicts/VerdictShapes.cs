using System.Linq.Expressions;
using Verification.Domain.Claims;
using Verification.Domain.Verdicts;

namespace Verification.Api.Features.Verdicts;

public sealed record ProposalResponse(Guid Id, Guid ClaimId, VerdictRating Rating, string Rationale, Harm Harm,
    IReadOnlyList<string> AttributedTo, Guid ProposedBy, DateTime ProposedAt, ProposalStatus Status,
    Guid? DecidedBy, DateTime? DecidedAt, string? RejectionReason);

public static class ProposalProjection
{
    public static readonly Expression<Func<VerdictProposal, ProposalResponse>> ToResponse = p => new ProposalResponse(
        p.Id, p.ClaimId, p.Rating, p.Rationale,
        new Harm(p.Harm.KilledMin, p.Harm.KilledMax, p.Harm.InjuredMin, p.Harm.InjuredMax,
            p.Harm.CiviliansKilledMin, p.Harm.CiviliansKilledMax, p.Harm.ChildrenKilledMin, p.Harm.ChildrenKilledMax,
            p.Harm.WomenKilledMin, p.Harm.WomenKilledMax),
        p.AttributedTo, p.ProposedBy, p.ProposedAt, p.Status, p.DecidedBy, p.DecidedAt, p.RejectionReason);

    private static readonly Func<VerdictProposal, ProposalResponse> Compiled = ToResponse.Compile();

    public static ProposalResponse From(VerdictProposal proposal) => Compiled(proposal);
}
