using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Verification.Api.Infrastructure.Http;

/// <summary>
/// A request that cannot be bound (a query value of the wrong form, a JSON field of the wrong type, a missing required
/// value) becomes a plain 400: the field or parameter by the name the caller sent, and what it must look like. The
/// framework's own messages name .NET types (<c>Nullable&lt;DateTimeOffset&gt;</c>); no caller should have to read those.
/// </summary>
public static partial class BindingProblems
{
    /// <summary>The field (a parameter name or a JSON path) and its message, or null when the failure is not about one value.</summary>
    public static (string Field, string Message)? Describe(BadHttpRequestException exception, HttpContext context)
    {
        if (exception.InnerException is JsonException json)
        {
            var converted = JsonTarget().Match(json.Message);
            var field = JsonField(json.Path);
            if (json.Message == NulCharacters.Message)
                return (field ?? "body", NulCharacters.Message);
            if (!converted.Success)
                return (field ?? "body", field is null ? "The body is not valid JSON." : $"'{field}' is not valid JSON here.");
            var expected = Expected(MemberType(FindType(converted.Groups["type"].Value), field));
            return (field ?? "body", field is null ? $"The body must be {expected}." : $"'{field}' must be {expected}.");
        }

        var failed = FailedToBind().Match(exception.Message);
        if (failed.Success)
        {
            var name = failed.Groups["name"].Value;
            return (name, $"The parameter '{name}' must be {Expected(ParameterType(context, name))}; '{failed.Groups["value"].Value}' is not.");
        }
        var missing = Missing().Match(exception.Message);
        if (missing.Success)
        {
            var name = missing.Groups["name"].Value;
            return (name, $"The parameter '{name}' is required: {Expected(ParameterType(context, name))}.");
        }
        var body = BodyUnreadable().Match(exception.Message);
        return body.Success ? ("body", "The body must be a JSON object for this route.") : null;
    }

    /// <summary>What a value of this type looks like on the wire, in words; never a .NET type name.</summary>
    public static string Expected(Type? type)
    {
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            null => "a value of the documented form (see /openapi/v1.json)",
            { IsEnum: true } => "one of " + string.Join(", ", Enum.GetNames(type)),
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "a date and time in ISO 8601 with its offset, such as 2024-03-30T00:00:00Z",
            _ when type == typeof(DateOnly) => "a date in ISO 8601, such as 2024-03-30",
            _ when type == typeof(TimeOnly) => "a time of day, such as 21:30:00",
            _ when type == typeof(Guid) => "an id (a UUID such as 0190b8e2-7c1a-7cc4-a2e5-1f1ad6a3c0de)",
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) => "a whole number",
            _ when type == typeof(decimal) || type == typeof(double) || type == typeof(float) => "a number",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(string) => "a string",
            _ when type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type) => "a list",
            _ => "an object",
        };
    }

    /// <summary>
    /// The reader names the object it was reading when the failure came from a constructor parameter; the field's own
    /// type is then that object's property of the path's last name.
    /// </summary>
    private static Type? MemberType(Type? type, string? field)
    {
        if (type is null || field is null || type.IsEnum || type.IsPrimitive || type == typeof(string) || Nullable.GetUnderlyingType(type) is not null)
            return type;
        var last = field.Split('.').Last().Split('[')[0];
        var property = type.GetProperty(last, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        return property?.PropertyType ?? type;
    }

    private static string? JsonField(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
            return null;
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    /// <summary>The handler's own parameter of that name (the endpoint's MethodInfo is in its metadata).</summary>
    private static Type? ParameterType(HttpContext context, string name) =>
        ReachedEndpoint.Of(context)?.Metadata.GetMetadata<MethodInfo>()?.GetParameters()
            .FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))?.ParameterType;

    /// <summary>A type named as System.Text.Json names it: "System.Nullable`1[Verification.Domain.Claims.TimePrecision]".</summary>
    private static Type? FindType(string name)
    {
        var nullable = NullableOf().Match(name);
        if (nullable.Success)
            name = nullable.Groups["inner"].Value;
        return Type.GetType(name) ?? AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic)
            .Select(a => a.GetType(name, throwOnError: false))
            .FirstOrDefault(t => t is not null);
    }

    [GeneratedRegex(@"could not be converted to (?<type>\S+?)\.? Path:")]
    private static partial Regex JsonTarget();

    [GeneratedRegex(@"^System\.Nullable`1\[+(?<inner>[^\[\],]+)")]
    private static partial Regex NullableOf();

    [GeneratedRegex("""^Failed to bind parameter "(?<type>.+) (?<name>[^ "]+)" from "(?<value>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex FailedToBind();

    [GeneratedRegex("""^Required parameter "(?<type>.+) (?<name>[^ "]+)" was not provided""")]
    private static partial Regex Missing();

    [GeneratedRegex("""^(Failed to read parameter|Implicit body inferred)""")]
    private static partial Regex BodyUnreadable();
}

/// <summary>The endpoint a request reached, also after the exception handler cleared it for its re-execution.</summary>
public static class ReachedEndpoint
{
    public static Endpoint? Of(HttpContext context) =>
        context.GetEndpoint() ?? context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Endpoint;

    /// <summary>The route pattern (/api/v1/claims/{id:guid}), never the path with its values.</summary>
    public static string RouteOf(HttpContext context) => (Of(context) as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
}
