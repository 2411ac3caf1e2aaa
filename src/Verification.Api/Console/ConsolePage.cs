using System.Globalization;
using System.Security.Claims;
using Mediator;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Mvc;
using Verification.Api.Infrastructure.Http;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.WebConsole;

/// <summary>
/// What every console page shares: the request, the mediator, and one way to send a command and turn a refusal into
/// what the page shows. The refusal is the API's own problem (the same mapping, the same status code), so a person
/// in the console and a client of the API hear the same rule in the same words.
/// </summary>
public abstract class ConsolePage : ComponentBase
{
    [CascadingParameter] public HttpContext Http { get; set; } = default!;
    [Inject] public ISender Sender { get; set; } = default!;
    [Inject] public NavigationManager Navigation { get; set; } = default!;

    /// <summary>The last refusal (validation, workflow, four eyes, stale version), as the API would answer it.</summary>
    protected ProblemDetails? Problem { get; private set; }

    /// <summary>Validation messages by field path ("incident.location.countryCode"), shown beside their fields.</summary>
    protected IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    /// <summary>True when the refusal was a stale version: the page says so and shows the current state.</summary>
    protected bool Stale => Problem?.Status == StatusCodes.Status412PreconditionFailed;

    protected ClaimsPrincipal User => Http.User;
    protected Guid UserId => Guid.TryParse(User.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : Guid.Empty;
    protected bool IsInvestigator => User.IsInRole(Roles.Investigator);
    protected bool IsReviewer => User.IsInRole(Roles.Reviewer);
    protected bool IsCoordinator => User.IsInRole(Roles.Coordinator);

    protected static CultureInfo Culture => CultureInfo.CurrentCulture;

    /// <summary>
    /// True when blazor.web.js asked for this page (an enhanced navigation or form post: its Accept header carries
    /// <c>blazor-enhanced-nav=on</c>), so scripts are running in that browser and no-script fallbacks are not needed.
    /// </summary>
    protected bool ScriptsRun => ConsoleAssets.IsEnhancedRequest(Http.Request);

    /// <summary>Stored times are UTC; the console shows them in the reader's culture, saying they are UTC.</summary>
    protected static string When(DateTime utc) => utc.ToString("g", CultureInfo.CurrentCulture) + " UTC";

    protected static string When(DateTime? utc) => utc is { } u ? When(u) : "—";

    protected static string Day(DateOnly day) => day.ToString("d", CultureInfo.CurrentCulture);

    /// <summary>
    /// Sends a request through the pipeline. A refusal sets <see cref="Problem"/> (and the response status, as the
    /// API would), and returns default; anything unexpected propagates to the error page.
    /// </summary>
    protected async Task<T?> TrySend<T>(Func<ISender, ValueTask<T>> send)
    {
        Problem = null;
        Errors = new Dictionary<string, string[]>();
        try
        {
            return await send(Sender);
        }
        catch (Exception e) when (e is DomainException or FluentValidation.ValidationException or HttpProblem)
        {
            Refused(e);
            return default;
        }
    }

    /// <summary>Shows a refusal the page found itself (a role the API's route would refuse), as the API would word it.</summary>
    protected void Refused(Exception e)
    {
        var problem = ProblemDetailsExceptionHandler.Map(e);
        Problem = problem;
        if (problem.Status == StatusCodes.Status404NotFound)
        {
            // The router's not-found page, with 404: never a hint that the object exists.
            Navigation.NotFound();
            return;
        }
        if (problem is HttpValidationProblemDetails validation)
            Errors = validation.Errors.ToDictionary(p => p.Key, p => p.Value);
        if (!Http.Response.HasStarted)
            Http.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
    }

    /// <summary>A role check that the API does on the route: the same 403 in the same words.</summary>
    protected bool Allowed(params string[] roles)
    {
        if (roles.Any(User.IsInRole))
            return true;
        Refused(new NotPermitted("Your role may not do this."));
        return false;
    }

    /// <summary>Puts back a refusal after a later read (which clears it) succeeded.</summary>
    protected void Restore(ProblemDetails? problem, IReadOnlyDictionary<string, string[]> errors)
    {
        Problem = problem;
        Errors = errors;
        if (problem?.Status is { } status && !Http.Response.HasStarted)
            Http.Response.StatusCode = status;
    }

    /// <summary>A check the page makes itself (two passwords that differ): shown like the pipeline's messages, beside the field.</summary>
    protected void ShowOwn(string field, string message)
    {
        var problem = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = message,
        };
        Restore(problem, problem.Errors.ToDictionary(p => p.Key, p => p.Value));
    }

    protected string[] ErrorsFor(string field) => Errors.TryGetValue(field, out var messages) ? messages : [];

    /// <summary>Post/redirect/get: after a change the browser lands on a page it can reload safely.</summary>
    protected void GoTo(string url) => Navigation.NavigateTo(url);

    protected static string ClaimUrl(Guid id) => $"/app/claims/{id}";
}
