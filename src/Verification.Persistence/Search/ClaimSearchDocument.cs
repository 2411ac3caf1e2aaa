using Verification.Domain.Claims;

namespace Verification.Persistence.Search;

/// <summary>
/// A claim's searchable text, one row per claim, kept by the search projection inside every command's transaction.
/// Each part is folded (<see cref="SearchText.Fold"/>) and weighted on its own: a word in the title counts more than
/// the same word in a source description. The full-text index over these columns is provider SQL in the hand-written
/// migration <c>FullTextSearch</c>: an FTS5 table on SQLite, a tsvector column with a GIN index on PostgreSQL, a
/// full-text index on SQL Server.
/// <para>
/// What is here decides what can be found, and by whom. <see cref="Evidence"/> (evidence titles and descriptions,
/// testimony text) is matched for staff only; partners match the other parts, which are exactly the fields the
/// partner shapes show. A witness's identity is never here: it is stored encrypted and never read by the projection.
/// </para>
/// </summary>
public sealed class ClaimSearchDocument
{
    /// <summary>Bumped when the folding or the parts change; the backfill job rebuilds rows of an older version.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Evidence text beyond this many characters is not searched (PostgreSQL's tsvector holds at most 1 MB).</summary>
    public const int MaxEvidenceLength = 200_000;

    public Guid ClaimId { get; set; }

    /// <summary>The claim's number: the FTS5 rowid on SQLite and the full-text key on SQL Server (an integer key is what both want).</summary>
    public long Number { get; set; }
    public int Version { get; set; }
    public string Title { get; set; } = string.Empty;

    /// <summary>Place name, first and second administrative areas, perpetrator names.</summary>
    public string Names { get; set; } = string.Empty;
    public string Summary { get; set; } = string.Empty;

    /// <summary>Source descriptions.</summary>
    public string Sources { get; set; } = string.Empty;

    /// <summary>Evidence titles and descriptions and testimony text: staff only.</summary>
    public string Evidence { get; set; } = string.Empty;

    /// <summary>The perpetrator names for the <c>perpetrator=</c> filter: <c>"| name one | name two |"</c>, each folded.</summary>
    public string Perpetrators { get; set; } = string.Empty;

    public static ClaimSearchDocument For(Claim claim, IEnumerable<(string? Title, string? Description, string? Testimony)> evidence)
    {
        var document = new ClaimSearchDocument { ClaimId = claim.Id };
        document.Update(claim, evidence);
        return document;
    }

    public void Update(Claim claim, IEnumerable<(string? Title, string? Description, string? Testimony)> evidence)
    {
        Number = claim.Number;
        Fold(claim.Title, claim.Location, claim.Summary, claim.Sources, claim.Perpetrators, evidence);
    }

    /// <summary>
    /// The document of a claim about to be created from <paramref name="details"/>, without evidence, folded before the
    /// claim exists (an import folds its rows on its read-ahead thread, beside the batch being written): a claim takes
    /// these parts from its details as they are (<c>Claim.Submit</c>), so the text is the one <see cref="For"/> gives
    /// the claim. The caller sets <see cref="ClaimId"/> and <see cref="Number"/> once the claim has them.
    /// </summary>
    public static ClaimSearchDocument Unnumbered(ClaimDetails details)
    {
        var document = new ClaimSearchDocument();
        document.Fold(details.Title, details.Location, details.Summary, details.Sources, details.Perpetrators, []);
        return document;
    }

    private void Fold(string title, Location location, string summary, IReadOnlyList<Source> sources, IReadOnlyList<Perpetrator> perpetrators,
        IEnumerable<(string? Title, string? Description, string? Testimony)> evidence)
    {
        Version = CurrentVersion;
        Title = SearchText.Fold(title);
        Names = Join([location.PlaceName, location.Admin1, location.Admin2, .. perpetrators.Select(p => p.Name)]);
        Summary = SearchText.Fold(summary);
        Sources = Join(sources.Select(s => s.Description));
        Evidence = SearchText.Fold(string.Join(" \n ", evidence.SelectMany(e => new[] { e.Title, e.Description, e.Testimony }).Where(t => !string.IsNullOrWhiteSpace(t))),
            MaxEvidenceLength);
        var folded = perpetrators.Select(p => SearchText.Fold(p.Name)).Where(n => n.Length > 0).ToList();
        Perpetrators = folded.Count == 0 ? string.Empty : "| " + string.Join(" | ", folded) + " |";
    }

    private static string Join(IEnumerable<string?> parts) =>
        string.Join(' ', parts.Select(p => SearchText.Fold(p)).Where(p => p.Length > 0));
}
