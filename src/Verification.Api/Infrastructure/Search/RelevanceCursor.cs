using System.Globalization;
using Verification.Api.Infrastructure.Http;

namespace Verification.Api.Infrastructure.Search;

/// <summary>
/// Keyset position in relevance order: the last claim's score and number (best score first, then newest). The score is
/// the claim's own (ClaimTextSearch), so the position stays valid while other claims are written.
/// </summary>
public static class RelevanceCursor
{
    private const string Tag = "r";

    public static string Encode(int score, long number) =>
        Paging.Encode(string.Create(CultureInfo.InvariantCulture, $"{Tag}:{score}:{number}"));

    public static bool TryDecode(string? cursor, out (int Score, long Number) position)
    {
        position = default;
        if (cursor is null || !Paging.TryDecode(cursor, out var text))
            return false;
        var parts = text.Split(':');
        if (parts.Length != 3 || parts[0] != Tag
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var score)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            return false;
        position = (score, number);
        return true;
    }
}
