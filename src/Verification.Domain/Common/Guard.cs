namespace Verification.Domain.Common;

/// <summary>Guard clauses for invariants; each failure names the field so the API can report it.</summary>
public static class Guard
{
    public static string Text(string? value, string field, int maxLength, bool required = true)
    {
        var trimmed = value?.Trim() ?? string.Empty;
        if (required && trimmed.Length == 0)
            throw new InvariantViolation(field, $"{field} is required.");
        if (trimmed.Length > maxLength)
            throw new InvariantViolation(field, $"{field} must be at most {maxLength} characters.");
        return trimmed;
    }

    public static string? OptionalText(string? value, string field, int maxLength)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
            return null;
        return Text(trimmed, field, maxLength);
    }

    public static void That(bool condition, string field, string detail)
    {
        if (!condition)
            throw new InvariantViolation(field, detail);
    }
}
