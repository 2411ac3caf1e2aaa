using System.Globalization;
using System.Text;
using Verification.Persistence.Search;

namespace Verification.Api.Tests.Search;

/// <summary>
/// <see cref="SearchText.Fold"/> takes a shortcut for ASCII text (imports6): the stored search text of every claim, and
/// so every search answer, depends on it giving exactly what the general rules give. A non-ASCII separator at either end
/// of a text adds no word, so folding the text with one sends the same words through the general rules: both must agree,
/// with and without a length limit. Mixed text is held to the rules as they were written before the shortcuts
/// (<see cref="ReferenceFold"/>, the folding of commit c547435, character for character).
/// </summary>
public sealed class SearchTextFoldingTests
{
    public static TheoryData<string> AsciiTexts =>
    [
        "Kidal",
        "KIDAL, Mali (2012): 3 killed",
        "  leading and trailing separators...  ",
        "snake_case-and-kebab/slash\\back|pipe",
        "tabs\tand\r\nnew lines\u0001and a control character",
        "x",
        "12 345,67 $",
        "!!!",
        "Al-Qaida in the Islamic Maghreb; Ansar Dine; MUJAO",
        string.Join(' ', Enumerable.Range(0, 300).Select(i => $"Word{i}")),
        new string('a', 700) + " tail",
    ];

    [Theory]
    [MemberData(nameof(AsciiTexts))]
    public void Ascii_text_folds_as_the_general_rules_fold_it(string text)
    {
        var folded = SearchText.Fold(text);

        Assert.Equal(SearchText.Fold(text + "\u2014"), folded);
        Assert.Equal(SearchText.Fold("\u00bf" + text), folded);
        Assert.Equal(folded.ToLowerInvariant(), folded);
        foreach (var limit in new[] { 0, 1, 2, 5, 6, 7, 10, 12, 16, 100, 600, 701, 2_000 })
            Assert.Equal(SearchText.Fold(text + "\u2014", limit), SearchText.Fold(text, limit));
    }

    [Theory]
    [InlineData("KIDAL, Mali (2012): 3 killed", int.MaxValue, "kidal mali 2012 3 killed")]
    [InlineData("Ségou SÉGOU", int.MaxValue, "segou segou")]
    [InlineData("ŁÓDŹ Straße Æther", int.MaxValue, "lodz strasse aether")]
    [InlineData("alpha beta gamma", 10, "alpha beta")]
    [InlineData("alpha beta gamma", 9, "alpha")]
    [InlineData("alphabet", 3, "")]
    [InlineData(" \t ", int.MaxValue, "")]
    [InlineData("Kidal\uFFFEstrike Ségou\uFFFE", int.MaxValue, "kidal strike segou")] // .NET's normalization refuses U+FFFE
    [InlineData("lone\uD800surrogate é", int.MaxValue, "lone surrogate e")]
    [InlineData("non\uFDD0character é", int.MaxValue, "non character e")]
    public void Folding_lower_cases_removes_accents_and_cuts_at_a_whole_word(string text, int maxLength, string expected) =>
        Assert.Equal(expected, SearchText.Fold(text, maxLength));

    public static TheoryData<string> MixedTexts =>
    [
        "Ségou, Mopti – “Kidal” (Mali): 3 killed",
        "ŁÓDŹ Straße Æther Œuvre þorn ıi Đakovo Øresund Ħamrun",
        "Ansar Dine’s fighters; MUJAO’s – ﬁve ① ２０１２",
        "Arabic: كيدال, Tamasheq ⵜⴰⵎⴰⵌⴰⵆ, Devanagari क्षि",
        "emoji 🙂 between words, e\u0301 combining, Å Å",
        "x—y",
        string.Join(" – ", Enumerable.Range(0, 200).Select(i => $"Wörd{i}")),
    ];

    [Theory]
    [MemberData(nameof(MixedTexts))]
    [MemberData(nameof(AsciiTexts))]
    public void Folding_gives_what_the_rules_as_first_written_give(string text)
    {
        Assert.Equal(ReferenceFold(text), SearchText.Fold(text));
        foreach (var limit in new[] { 0, 1, 2, 3, 5, 8, 13, 21, 34, 100, 701 })
            Assert.Equal(ReferenceFold(text, limit), SearchText.Fold(text, limit));
    }

    /// <summary>SearchText.Fold as it was before imports6 (c547435), unchanged.</summary>
    private static string ReferenceFold(string? text, int maxLength = int.MaxValue)
    {
        if (string.IsNullOrWhiteSpace(text))
            return string.Empty;
        var decomposed = text.Normalize(NormalizationForm.FormKD);
        var folded = new StringBuilder(decomposed.Length);
        var pendingSpace = false;
        foreach (var rune in decomposed.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category == UnicodeCategory.NonSpacingMark)
                continue;
            if (!Rune.IsLetterOrDigit(rune) && category is not (UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark))
            {
                pendingSpace = folded.Length > 0;
                continue;
            }
            var replacement = Replacement(rune);
            if (pendingSpace)
            {
                if (folded.Length + 1 + (replacement?.Length ?? rune.Utf16SequenceLength) > maxLength)
                    break;
                folded.Append(' ');
                pendingSpace = false;
            }
            if (replacement is not null)
                folded.Append(replacement);
            else
                folded.Append(Rune.ToLowerInvariant(rune).ToString());
        }
        if (folded.Length > maxLength)
        {
            var cut = folded.ToString(0, maxLength).LastIndexOf(' ');
            folded.Length = cut < 0 ? 0 : cut;
        }
        return folded.ToString();
    }

    private static string? Replacement(Rune rune) => rune.Value switch
    {
        'ł' or 'Ł' => "l",
        'ø' or 'Ø' => "o",
        'đ' or 'Đ' or 'ð' or 'Ð' => "d",
        'ħ' or 'Ħ' => "h",
        'ı' => "i",
        'æ' or 'Æ' => "ae",
        'œ' or 'Œ' => "oe",
        'ß' or 'ẞ' => "ss",
        'þ' or 'Þ' => "th",
        _ => null,
    };
}
