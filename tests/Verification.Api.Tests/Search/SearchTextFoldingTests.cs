using Verification.Persistence.Search;

namespace Verification.Api.Tests.Search;

/// <summary>
/// <see cref="SearchText.Fold"/> takes a shortcut for ASCII text (imports6): the stored search text of every claim, and
/// so every search answer, depends on it giving exactly what the general rules give. A non-ASCII separator at either end
/// of a text adds no word, so folding the text with one sends the same words through the general rules: both must agree,
/// with and without a length limit.
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
    public void Folding_lower_cases_removes_accents_and_cuts_at_a_whole_word(string text, int maxLength, string expected) =>
        Assert.Equal(expected, SearchText.Fold(text, maxLength));
}
