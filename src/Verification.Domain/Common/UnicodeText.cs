using System.Text;

namespace Verification.Domain.Common;

/// <summary>Unicode normalization for text that only needs its letters and digits compared (search, duplicates, names).</summary>
public static class UnicodeText
{
    /// <summary>
    /// <paramref name="text"/> in <paramref name="form"/>, where a code point .NET's normalization refuses (U+FFFE, which
    /// valid JSON and UTF-8 can carry, or an unpaired surrogate) becomes a space: no caller keeps anything but letters and
    /// digits, and a space separates words as the refused character would have. Throwing instead failed the claim's
    /// whole command with a 500 over a character nobody searches for.
    /// </summary>
    public static string NormalizeForMatching(this string text, NormalizationForm form)
    {
        try
        {
            return text.Normalize(form);
        }
        catch (ArgumentException)
        {
            return WithoutUnnormalizable(text).Normalize(form);
        }
    }

    private static string WithoutUnnormalizable(string text)
    {
        var kept = new StringBuilder(text.Length);
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            var status = Rune.DecodeFromUtf16(rest, out var rune, out var consumed);
            // Every noncharacter, not only the one this ICU refuses today: none is text, and another ICU may refuse more.
            kept.Append(status == System.Buffers.OperationStatus.Done && !IsNoncharacter(rune.Value) ? rest[..consumed] : " ");
            rest = rest[consumed..];
        }
        return kept.ToString();
    }

    private static bool IsNoncharacter(int codePoint) => codePoint is >= 0xFDD0 and <= 0xFDEF || (codePoint & 0xFFFE) == 0xFFFE;
}
