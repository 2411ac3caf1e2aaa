using System.Globalization;
using System.Text;
using Verification.Domain.Common;

namespace Verification.Api.Features.Imports.UcdpGed;

/// <summary>
/// Country names as datasets write them → ISO 3166-1 alpha-2. The table is the platform's own region data (ICU's
/// copy of Unicode CLDR, the same source <see cref="CountryCodes"/> checks codes against), so it follows the
/// runtime's updates instead of a list kept by hand: every assigned code AA…ZZ with its English name, its native
/// name and its alpha-3 code. UCDP adds a former name in parentheses ("Russia (Soviet Union)", "DR Congo (Zaire)");
/// the name is tried whole, then without the parentheses. Only names that CLDR spells differently from UCDP are in
/// <see cref="Aliases"/> (docs/ucdp-mapping.md lists them with their reasons).
/// </summary>
public static class CountryNames
{
    /// <summary>UCDP's spelling (normalised, parentheses removed) → code, where CLDR's English name differs.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["dr congo"] = "CD",              // CLDR: "Congo - Kinshasa"
        ["congo"] = "CG",                 // UCDP's "Congo" is the Republic of the Congo; CLDR: "Congo - Brazzaville"
        ["ivory coast"] = "CI",           // CLDR: "Côte d’Ivoire"
        ["kingdom of eswatini"] = "SZ",   // UCDP: "Kingdom of eSwatini (Swaziland)"; CLDR: "Eswatini"
        ["swaziland"] = "SZ",
        ["united states of america"] = "US", // CLDR: "United States"
        ["macedonia fyr"] = "MK",         // older UCDP releases; CLDR: "North Macedonia"
        ["czech republic"] = "CZ",        // CLDR: "Czechia"
        ["east timor"] = "TL",            // CLDR: "Timor-Leste"
        ["burma"] = "MM",                 // CLDR: "Myanmar (Burma)"
        // CLDR also keeps the retired CS (Serbia and Montenegro, deleted from ISO 3166 in 2006) under the English
        // name "Serbia", so the name is ambiguous in the table; UCDP's "Serbia (Yugoslavia)" is today's Serbia.
        ["serbia"] = "RS",
    };

    private static readonly Lazy<IReadOnlyDictionary<string, string>> Table = new(Build);

    /// <summary>The alpha-2 code for a country name, alpha-3 or alpha-2 code; false when none is known.</summary>
    public static bool TryFind(string? name, out string code)
    {
        code = string.Empty;
        if (string.IsNullOrWhiteSpace(name))
            return false;
        var whole = Normalise(name);
        if (Table.Value.TryGetValue(whole, out code!) || Aliases.TryGetValue(whole, out code!))
            return true;
        var open = name.IndexOf('(', StringComparison.Ordinal);
        if (open > 0)
        {
            var bare = Normalise(name[..open]);
            if (Table.Value.TryGetValue(bare, out code!) || Aliases.TryGetValue(bare, out code!))
                return true;
        }
        code = string.Empty;
        return false;
    }

    private static Dictionary<string, string> Build()
    {
        var table = new Dictionary<string, string>(StringComparer.Ordinal);
        var ambiguous = new HashSet<string>(StringComparer.Ordinal);
        for (var a = 'A'; a <= 'Z'; a++)
        {
            for (var b = 'A'; b <= 'Z'; b++)
            {
                var alpha2 = $"{a}{b}";
                if (!CountryCodes.IsAssigned(alpha2))
                    continue;
                var region = new RegionInfo(alpha2);
                foreach (var name in new[] { alpha2, region.ThreeLetterISORegionName, region.EnglishName, region.NativeName })
                {
                    var key = Normalise(name);
                    if (key.Length == 0 || ambiguous.Contains(key))
                        continue;
                    if (table.TryGetValue(key, out var other) && other != alpha2)
                    {
                        // Two regions answer to one name: neither is chosen, so a guess never lands a claim in the wrong country.
                        table.Remove(key);
                        ambiguous.Add(key);
                        continue;
                    }
                    table[key] = alpha2;
                }
            }
        }
        return table;
    }

    /// <summary>Lower case, no accents, "&amp;" and "and" dropped, punctuation as spaces: "Bosnia &amp; Herzegovina" = "Bosnia-Herzegovina".</summary>
    internal static string Normalise(string name)
    {
        var decomposed = name.NormalizeForMatching(NormalizationForm.FormD);
        var text = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
                continue;
            text.Append(char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : ' ');
        }
        var words = text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w != "and");
        return string.Join(' ', words);
    }
}
