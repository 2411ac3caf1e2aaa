namespace Verification.Domain.Common;

/// <summary>
/// A rule of the domain refused what was asked. Each subtype is mapped to one HTTP status in one place
/// (the API's exception handler), so the rule, not the endpoint, decides what the caller hears.
/// </summary>
public abstract class DomainException(string title, string detail) : Exception(detail)
{
    public string Title { get; } = title;
}

/// <summary>The workflow forbids this move from the current stage (409).</summary>
public sealed class TransitionNotAllowed(string action, string from, string rule)
    : DomainException("Transition not allowed", $"Cannot {action} a claim that is {from}: {rule}")
{
    public string Action { get; } = action;
    public string From { get; } = from;
}

/// <summary>The same person may not do both halves of a four-eyes step (403).</summary>
public sealed class FourEyesViolation(string detail) : DomainException("Four-eyes rule", detail);

/// <summary>A move the workflow allows in principle but whose conditions are not met yet (409).</summary>
public sealed class RuleNotSatisfied(string title, string detail) : DomainException(title, detail);

/// <summary>A value breaks an invariant of the model (400, reported under <see cref="Field"/>).</summary>
public sealed class InvariantViolation(string field, string detail) : DomainException("Invalid value", detail)
{
    public string Field { get; } = field;
}

/// <summary>The object does not exist, or the caller may not know that it exists (404).</summary>
public sealed class NotFound(string what, Guid id) : DomainException($"{what} not found", $"No {what.ToLowerInvariant()} {id} is visible to you.");

/// <summary>The request names a stale version of the object (412).</summary>
public sealed class StaleVersion(long expected, long current)
    : DomainException("Precondition failed", $"If-Match names version {expected}, but the claim is at version {current}; read it again and retry.")
{
    public long Current { get; } = current;
}

/// <summary>A unique business key already exists (409).</summary>
public sealed class AlreadyExists(string title, string detail) : DomainException(title, detail);
