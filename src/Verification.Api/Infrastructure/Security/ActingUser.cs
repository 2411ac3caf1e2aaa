using Verification.Persistence;

namespace Verification.Api.Infrastructure.Security;

/// <summary>
/// Who a background job acts as: the system itself (recurring checks), or the person who asked for the work (an
/// import runs as its importer, so its claims are theirs and its audit entries name them).
/// </summary>
public sealed record JobActor(Guid? UserId, IReadOnlyList<string> Roles)
{
    public static readonly JobActor System = new(null, []);

    // An array, not a collection expression: Hangfire stores the actor as JSON and Newtonsoft cannot rebuild the
    // compiler's own read-only list type that [.. ] would produce here.
    public static JobActor Of(ICurrentUser user) =>
        new(user.Id, Verification.Persistence.Roles.All.Where(user.IsInRole).ToArray());
}

/// <summary>Set by the job runner inside a job's scope; when set, it is the current user instead of the HTTP caller.</summary>
public sealed class ActingUser
{
    public JobActor? Actor { get; set; }
}

public sealed class JobUser(JobActor actor) : ICurrentUser
{
    public Guid Id => actor.UserId ?? Guid.Empty;
    public bool IsInRole(string role) => actor.Roles.Contains(role);
    public bool IsSystem => actor.UserId is null;
    public string AuditName => actor.UserId is { } id ? $"user:{id}" : "system";
}
