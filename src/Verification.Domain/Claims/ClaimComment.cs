using System.Text.RegularExpressions;
using Verification.Domain.Common;

namespace Verification.Domain.Claims;

/// <summary>
/// A staff note on a claim, for colleagues: never part of what partners receive or exports carry, and kept out of
/// the audit chain as text (the chain holds the digest of the command only).
/// </summary>
public sealed partial class ClaimComment
{
    public const int TextMaxLength = 5000;

    private ClaimComment() { }

    public Guid Id { get; private set; }
    public Guid ClaimId { get; private set; }
    public Guid AuthorId { get; private set; }
    public string Text { get; private set; } = string.Empty;

    /// <summary>The emails mentioned with <c>@email</c>, lower-cased, in order of first mention.</summary>
    public IReadOnlyList<string> Mentions { get; private set; } = [];
    public DateTime At { get; private set; }

    public static ClaimComment Write(Guid id, Guid claimId, Guid authorId, string? text, DateTime now)
    {
        var body = Guard.Text(text, "text", TextMaxLength);
        return new ClaimComment
        {
            Id = id,
            ClaimId = claimId,
            AuthorId = authorId,
            Text = body,
            Mentions = MentionsIn(body),
            At = now,
        };
    }

    /// <summary><c>@</c> followed by an email address, at the start or after a space or an opening bracket.</summary>
    public static IReadOnlyList<string> MentionsIn(string text) =>
        [.. Mention().Matches(text).Select(m => m.Groups["email"].Value.TrimEnd('.').ToLowerInvariant()).Distinct().Take(50)];

    [GeneratedRegex(@"(?<![^\s(\[])@(?<email>[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,})", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Mention();
}
