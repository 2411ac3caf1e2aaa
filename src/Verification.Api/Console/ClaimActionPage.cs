using Microsoft.AspNetCore.Components;
using Verification.Api.Features.Claims;

namespace Verification.Api.WebConsole;

/// <summary>
/// A page that acts on one claim: it reads the claim (the same visibility as the API: 404 for a claim the person may
/// not see), sends the command with the version the form was read at, and on success goes back to the claim. On a
/// refusal it stays, says why, and shows the claim as it is now (a stale version never overwrites anything).
/// </summary>
public abstract class ClaimActionPage : ConsolePage
{
    [Parameter] public Guid Id { get; set; }

    protected ClaimResponse? Claim { get; private set; }

    protected override async Task OnInitializedAsync()
    {
        await base.OnInitializedAsync();
        Claim = await TrySend(s => s.Send(new GetClaim.Query(Id)));
        await LoadMoreAsync();
    }

    /// <summary>What else the page shows (evidence, proposals), read after the claim.</summary>
    protected virtual Task LoadMoreAsync() => Task.CompletedTask;

    protected async Task ActAsync<T>(long version, Func<long, ValueTask<T?>> send)
    {
        var result = await TrySend(async _ => await send(version));
        if (Problem is null && result is not null)
        {
            GoTo(ClaimUrl(Id));
            return;
        }
        // Show the current state beside the refusal: after a stale version, the person decides again on what is there now.
        var refusal = Problem;
        var errors = Errors;
        var current = await TrySend(s => s.Send(new GetClaim.Query(Id)));
        Claim = current ?? Claim;
        await LoadMoreAsync();
        Restore(refusal, errors);
    }

    protected static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
