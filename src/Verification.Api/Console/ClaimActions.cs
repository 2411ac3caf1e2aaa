using System.Security.Claims;
using Verification.Api.Features.Claims;
using Verification.Api.Features.Verdicts;
using Verification.Domain.Claims;
using Verification.Domain.Verdicts;
using Verification.Persistence;

namespace Verification.Api.WebConsole;

/// <summary>
/// Which actions a claim page offers this person. It only hides what would be refused; the refusal itself stays the
/// pipeline's and the domain's (a forged post to an action page is refused there with the API's problem).
/// </summary>
public static class ClaimActions
{
    public static List<(string Label, string Href)> For(ClaimResponse claim, IReadOnlyList<ProposalResponse> proposals, ClaimsPrincipal user, Guid me)
    {
        var url = $"/app/claims/{claim.Id}";
        var actions = new List<(string, string)>();
        var reviewer = user.IsInRole(Roles.Reviewer);
        var coordinator = user.IsInRole(Roles.Coordinator);
        var investigator = user.IsInRole(Roles.Investigator);
        if ((reviewer || coordinator) && claim.Status == ClaimStage.Submitted)
            actions.Add(("Action.Triage", $"{url}/triage"));
        if (claim.Status is ClaimStage.Submitted or ClaimStage.InCorroboration or ClaimStage.Decided)
            actions.Add(("Action.AddEvidence", $"{url}/evidence/new"));
        if (reviewer && claim.Status == ClaimStage.InCorroboration)
            actions.Add(("Action.Propose", $"{url}/verdict"));
        if (reviewer && claim.Status == ClaimStage.VerdictProposed
            && proposals.FirstOrDefault(p => p.Status == ProposalStatus.Pending) is { } pending && pending.ProposedBy != me)
            actions.Add(("Action.Confirm", $"{url}/proposals/{pending.Id}"));
        if (investigator && claim.SubmittedBy == me && claim.Status is ClaimStage.Submitted or ClaimStage.InCorroboration)
            actions.Add(("Action.Withdraw", $"{url}/withdraw"));
        if (coordinator && claim.Status == ClaimStage.Decided)
            actions.Add(("Action.Reopen", $"{url}/reopen"));
        if (coordinator && claim.Status is not (ClaimStage.Rejected or ClaimStage.Withdrawn))
            actions.Add(("Action.Assign", $"{url}/assign"));
        return actions;
    }
}
