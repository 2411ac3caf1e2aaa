using System.Collections.Concurrent;
using System.Globalization;

namespace Verification.Domain.Common;

/// <summary>
/// ISO 3166-1 alpha-2 codes, checked against the platform's region table (ICU's CLDR data) rather than a
/// list kept by hand, so new or retired codes follow the runtime's updates.
/// </summary>
public static class CountryCodes
{
    private static readonly ConcurrentDictionary<string, bool> Known = new(StringComparer.Ordinal);

    public static bool IsAssigned(string code)
    {
        if (code.Length != 2 || !char.IsAsciiLetterUpper(code[0]) || !char.IsAsciiLetterUpper(code[1]))
            return false;
        return Known.GetOrAdd(code, static c =>
        {
            try
            {
                var region = new RegionInfo(c);
                // XK (Kosovo) is user-assigned in ISO 3166 but used by the UN, the EU and casualty recorders; CLDR keeps it, so do we.
                return region.TwoLetterISORegionName == c && region.ThreeLetterISORegionName.Length == 3;
            }
            catch (ArgumentException)
            {
                return false;
            }
        });
    }
}
