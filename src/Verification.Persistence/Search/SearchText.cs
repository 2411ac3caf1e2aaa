using System.Buffers;
using System.Globalization;
using System.Text;
using Verification.Domain.Common;

namespace Verification.Persistence.Search;

/// <summary>A word of a search: folded like the stored text; <see cref="Prefix"/> when the query wrote it with a trailing <c>*</c>.</summary>
public readonly record struct SearchTerm(string Word, bool Prefix);

/// <summary>
/// How text becomes searchable, the same for every provider: case folded, accents removed ("Ségou" → "segou", also
/// ł, ø, æ, ß and the like), and cut into words at anything that is not a letter, a digit or a combining mark. Stored
/// text and queries go through the same <see cref="Fold"/>, so "Segou" finds "Ségou" and "SÉGOU" on SQLite, PostgreSQL
/// and SQL Server alike; each database's own accent folding (FTS5's remove_diacritics, PostgreSQL's unaccent, SQL
/// Server's accent-insensitive catalog) only ever sees text that is already folded.
/// </summary>
public static class SearchText
{
    /// <summary>At most this many words in a query: every word must match, so more narrows nothing a person would type.</summary>
    public const int MaxTerms = 12;

    /// <summary>The words of <paramref name="text"/>, folded, separated by single spaces.</summary>
    public static string Fold(string? text, int maxLength = int.MaxValue)
    {
        if (string.IsNullOrWhiteSpace(text))
            return string.Empty;
        // Every claim an import or a submission writes is folded on the writer's thread (its title, names, summary and
        // sources), and most of that text is ASCII: there the rules below reduce to "letters and digits, lower-cased, the
        // rest separates words", with no normalization to do and nothing to allocate per character.
        return Ascii.IsValid(text) ? FoldAscii(text, maxLength) : FoldRunes(text, maxLength);
    }

    private static string FoldAscii(string text, int maxLength)
    {
        // Each character gives at most one: a separator gives nothing, or the one space before the next word.
        char[]? rented = null;
        var folded = new Folded(text.Length <= 512 ? stackalloc char[text.Length] : (rented = ArrayPool<char>.Shared.Rent(text.Length)), maxLength);
        foreach (var c in text)
        {
            if (!folded.AddAscii(c))
                break;
        }
        var result = folded.ToString();
        if (rented is not null)
            ArrayPool<char>.Shared.Return(rented);
        return result;
    }

    private static string FoldRunes(string text, int maxLength)
    {
        var decomposed = text.NormalizeForMatching(NormalizationForm.FormKD);
        // A character gives at most two (a replacement such as "ss", or a rune's lower case), and a separator at most the
        // one space before the next word: twice the text always holds the result. Pooled, as FoldAscii's buffer is: the
        // builder and its copy were a tenth of what an import allocated per row (sqliteimport12).
        var rented = ArrayPool<char>.Shared.Rent(2 * decomposed.Length + 1);
        try
        {
            var folded = new Folded(rented, maxLength);
            foreach (var rune in decomposed.EnumerateRunes())
            {
                // Most of the text is ASCII even where a name or a quotation mark is not: the rules for ASCII.
                if (rune.IsAscii)
                {
                    if (!folded.AddAscii((char)rune.Value))
                        break;
                    continue;
                }
                var category = Rune.GetUnicodeCategory(rune);
                if (category == UnicodeCategory.NonSpacingMark)
                    continue;
                if (!Rune.IsLetterOrDigit(rune) && category is not (UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark))
                {
                    folded.Separator();
                    continue;
                }
                var replacement = Replacement(rune);
                if (!folded.StartWord(replacement?.Length ?? rune.Utf16SequenceLength))
                    break;
                if (replacement is not null)
                    folded.Add(replacement);
                else
                    folded.Add(Rune.ToLowerInvariant(rune));
            }
            return folded.ToString();
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Folded text being written into a buffer the caller sized: words of letters and digits, one space between them, no
    /// longer than the limit once <see cref="ToString"/> cuts it at the last whole word.
    /// </summary>
    private ref struct Folded(Span<char> buffer, int maxLength)
    {
        private readonly Span<char> _buffer = buffer;
        private int _length;
        private bool _pendingSpace;

        /// <summary>An ASCII character: a letter or digit, lower-cased, or else a separator. False: the limit is reached.</summary>
        public bool AddAscii(char c)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                Separator();
                return true;
            }
            if (!StartWord(1))
                return false;
            _buffer[_length++] = char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;
            return true;
        }

        /// <summary>A character that separates words: the next word, if any, starts after a space.</summary>
        public void Separator() => _pendingSpace = _length > 0;

        /// <summary>Writes the space a new word needs, unless the word's first <paramref name="chars"/> would pass the limit.</summary>
        public bool StartWord(int chars)
        {
            if (!_pendingSpace)
                return true;
            if (_length + 1 + chars > maxLength)
                return false;
            _buffer[_length++] = ' ';
            _pendingSpace = false;
            return true;
        }

        public void Add(string text)
        {
            text.CopyTo(_buffer[_length..]);
            _length += text.Length;
        }

        public void Add(Rune rune) => _length += rune.EncodeToUtf16(_buffer[_length..]);

        public override readonly string ToString()
        {
            var length = _length;
            if (length > maxLength)
            {
                // Cut at the last whole word.
                var cut = _buffer[..maxLength].LastIndexOf(' ');
                length = cut < 0 ? 0 : cut;
            }
            return new string(_buffer[..length]);
        }
    }

    /// <summary>
    /// The words of a query. A chunk of the query that ends in <c>*</c> makes its last word a prefix ("kid*" finds
    /// "Kidal"). Repeated words count once.
    /// </summary>
    public static IReadOnlyList<SearchTerm> Terms(string? query)
    {
        var terms = new List<SearchTerm>();
        foreach (var chunk in (query ?? string.Empty).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var words = Fold(chunk).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < words.Length; i++)
            {
                var term = new SearchTerm(words[i], Prefix: i == words.Length - 1 && chunk.EndsWith('*'));
                if (!terms.Contains(term))
                    terms.Add(term);
            }
        }
        return terms;
    }

    /// <summary>Letters that carry no combining mark to remove, folded as people type them without the key.</summary>
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
