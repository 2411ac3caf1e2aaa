using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using Verification.Benchmarks.Seeding;
using Verification.Persistence;

namespace Verification.Benchmarks.Search;

/// <summary>
/// Seeds a large claims table fast, in SQL inside the database: <see cref="ClaimSeeder"/> first makes a few hundred
/// real decided claims through the domain (the schema, valid JSON columns, verdicts), then one INSERT … SELECT over a
/// generated series copies them into <c>count</c> claims with their own id, number, reference, title, summary, place
/// and coordinates, and a second fills ClaimSearch with the same text already folded (the seed vocabulary is ASCII but
/// for the accented place names, whose folded form is given beside them). SQLite's FTS5 triggers and PostgreSQL's
/// generated tsvector and GIN index index the rows as they go in, as they would in the application.
/// </summary>
public static class SearchSeeder
{
    public const int Templates = 200;

    /// <summary>Place, its folded form, latitude, longitude. "Ségou" is searched as "segou".</summary>
    public static readonly (string Name, string Folded, double Lat, double Lon)[] Places =
    [
        ("Ségou", "segou", 13.43, -6.26), ("Kidal", "kidal", 18.44, 1.41), ("Gao", "gao", 16.27, -0.04), ("Mopti", "mopti", 14.49, -4.18),
        ("Tombouctou", "tombouctou", 16.77, -3.01), ("Ménaka", "menaka", 15.92, 2.40), ("El Fasher", "el fasher", 13.63, 25.35),
        ("Nyala", "nyala", 12.05, 24.88), ("Geneina", "geneina", 13.45, 22.44), ("Kharkiv", "kharkiv", 49.99, 36.23),
        ("Izium", "izium", 49.21, 37.26), ("Kherson", "kherson", 46.64, 32.61), ("Idlib", "idlib", 35.93, 36.63),
        ("Aleppo", "aleppo", 36.20, 37.13), ("Deir ez-Zor", "deir ez zor", 35.34, 40.14), ("Taiz", "taiz", 13.58, 44.02),
        ("Hodeidah", "hodeidah", 14.80, 42.95), ("Marib", "marib", 15.46, 45.32), ("Bambari", "bambari", 5.76, 20.68),
        ("Bangui", "bangui", 4.39, 18.56), ("Goma", "goma", -1.68, 29.22), ("Bunia", "bunia", 1.56, 30.25),
        ("Béni", "beni", 0.49, 29.47), ("Lashio", "lashio", 22.93, 97.75), ("Myitkyina", "myitkyina", 25.38, 97.40),
        ("Mekelle", "mekelle", 13.50, 39.47), ("Shiré", "shire", 14.10, 38.28), ("Baidoa", "baidoa", 3.11, 43.65),
        ("Kismaayo", "kismaayo", -0.36, 42.55), ("Maiduguri", "maiduguri", 11.85, 13.16), ("Ouagadougou", "ouagadougou", 12.37, -1.52),
        ("Djibo", "djibo", 14.10, -1.63), ("Kaya", "kaya", 13.09, -1.08), ("Diffa", "diffa", 13.32, 12.61), ("Tillabéri", "tillaberi", 14.21, 1.45),
        ("Cabo Delgado", "cabo delgado", -12.33, 39.32), ("Rafah", "rafah", 31.29, 34.25), ("Khan Younis", "khan younis", 31.34, 34.30),
        ("Jenin", "jenin", 32.46, 35.30), ("Port-au-Prince", "port au prince", 18.54, -72.34),
    ];

    public static readonly string[] Kinds = ["shelling", "airstrike", "detention", "abduction", "looting", "arson", "execution", "ambush", "blockade"];

    public static readonly string[] Words =
    [
        "market", "school", "clinic", "mosque", "church", "bridge", "checkpoint", "convoy", "village", "camp", "well", "farm", "bus",
        "hospital", "bakery", "station", "port", "road", "river", "field", "prison", "court", "office", "garage", "warehouse",
        "stadium", "hotel", "shelter", "depot", "tower",
    ];

    public static async Task<TimeSpan> SeedAsync(DatabaseProvider provider, string connectionString, int count, Action<string> log)
    {
        var clock = Stopwatch.StartNew();
        await ClaimSeeder.SeedAsync(provider, connectionString, Templates);
        log($"search seed: {Templates} template claims through the domain in {clock.Elapsed.TotalSeconds:N1} s");
        await using DbConnection connection = provider == DatabaseProvider.Sqlite ? new SqliteConnection(connectionString) : new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var columns = await ColumnsAsync(connection, provider);
        await ExecuteAsync(connection, ClaimsSql(provider, columns, count - Templates));
        log($"search seed: {count - Templates:N0} claims by SQL after {clock.Elapsed.TotalSeconds:N1} s");
        await ExecuteAsync(connection, SearchSql(provider, count - Templates));
        log($"search seed: search text of {count:N0} claims after {clock.Elapsed.TotalSeconds:N1} s");
        await ExecuteAsync(connection, "ANALYZE");
        return clock.Elapsed;
    }

    private static async Task<List<string>> ColumnsAsync(DbConnection connection, DatabaseProvider provider)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = provider == DatabaseProvider.Sqlite
            ? "SELECT name FROM pragma_table_info('Claims')"
            : "SELECT column_name FROM information_schema.columns WHERE table_name = 'Claims' AND table_schema = current_schema()";
        var columns = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            columns.Add(reader.GetString(0));
        return columns;
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 3600;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The series, the places, kinds and words as tables, shared by both statements.</summary>
    private static string With(DatabaseProvider provider, int rows)
    {
        var places = string.Join(", ", Places.Select((p, i) => FormattableString.Invariant($"({i}, '{p.Name}', '{p.Folded}', {p.Lat}, {p.Lon})")));
        var kinds = string.Join(", ", Kinds.Select((k, i) => $"({i}, '{k}')"));
        var words = string.Join(", ", Words.Select((w, i) => $"({i}, '{w}')"));
        var series = provider == DatabaseProvider.Sqlite
            ? $"s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {rows})"
            : $"s(i) AS (SELECT generate_series(1, {rows}))";
        return $"WITH RECURSIVE {series}, p(k, name, folded, lat, lon) AS (VALUES {places}), kd(k, word) AS (VALUES {kinds}), w(k, word) AS (VALUES {words}) ";
    }

    private static string Joins(string firstTable) =>
        $"FROM s JOIN p ON p.k = s.i % {Places.Length} JOIN kd ON kd.k = s.i % {Kinds.Length} " +
        $"JOIN w w1 ON w1.k = (s.i / 7) % {Words.Length} JOIN w w2 ON w2.k = (s.i / 11) % {Words.Length} JOIN w w3 ON w3.k = (s.i / 13) % {Words.Length} " +
        $"JOIN \"Claims\" t ON t.\"Number\" = {firstTable}";

    private static string Id(DatabaseProvider provider) => provider == DatabaseProvider.Sqlite
        ? "upper(printf('%08x-aaaa-4aaa-8aaa-%012x', s.i, s.i))"
        : "(lpad(to_hex(s.i), 8, '0') || '-aaaa-4aaa-8aaa-' || lpad(to_hex(s.i), 12, '0'))::uuid";

    private static string Number => $"(s.i + {Templates})";

    private static string Concat(DatabaseProvider provider, params string[] parts) => string.Join(" || ", parts.Select(p => provider == DatabaseProvider.PostgreSql && !p.StartsWith('\'') ? $"CAST({p} AS text)" : p));

    private static string ClaimsSql(DatabaseProvider provider, IReadOnlyList<string> columns, int rows)
    {
        var overrides = new Dictionary<string, string>
        {
            ["Id"] = Id(provider),
            ["Number"] = Number,
            ["Reference"] = Concat(provider, "'VC-2026-'", Number),
            ["Title"] = Concat(provider, "upper(substr(kd.word, 1, 1))", "substr(kd.word, 2)", "' near '", "p.name", "', case '", "s.i"),
            ["Summary"] = Concat(provider, "'Witnesses describe damage to the '", "w1.word", "' and the '", "w2.word", "' near the '", "w3.word",
                "'. Figures are unconfirmed and vary between sources; the account is being checked against satellite imagery.'"),
            ["PlaceName"] = "p.name",
            ["Admin1"] = "p.name",
            ["Latitude"] = "p.lat + ((CAST(s.i AS BIGINT) * 7919) % 1000) / 1000.0 - 0.5",
            ["Longitude"] = "p.lon + ((CAST(s.i AS BIGINT) * 104729) % 1000) / 1000.0 - 0.5",
            ["ExternalId"] = "NULL",
        };
        var list = string.Join(", ", columns.Select(c => $"\"{c}\""));
        var select = string.Join(", ", columns.Select(c => overrides.TryGetValue(c, out var value) ? value : $"t.\"{c}\""));
        return With(provider, rows) + $"INSERT INTO \"Claims\" ({list}) SELECT {select} " + Joins($"(s.i % {Templates}) + 1");
    }

    /// <summary>The new claims' search text, folded as SearchText.Fold would fold it, and the templates' (ASCII but for punctuation).</summary>
    private static string SearchSql(DatabaseProvider provider, int rows)
    {
        const string sources = "'local radio report phone interview with a resident'";
        var generated = With(provider, rows) +
            "INSERT INTO \"ClaimSearch\" (\"ClaimId\", \"Number\", \"Version\", \"Title\", \"Names\", \"Summary\", \"Sources\", \"Evidence\", \"Perpetrators\") " +
            $"SELECT {Id(provider)}, {Number}, 1, " +
            Concat(provider, "kd.word", "' near '", "p.folded", "' case '", "s.i") + ", " +
            Concat(provider, "p.folded", "' '", "p.folded", "' wagner group rapid support forces'") + ", " +
            Concat(provider, "'witnesses describe damage to the '", "w1.word", "' and the '", "w2.word", "' near the '", "w3.word",
                "' figures are unconfirmed and vary between sources the account is being checked against satellite imagery'") + ", " +
            $"{sources}, '', '| wagner group | rapid support forces |' " + Joins($"(s.i % {Templates}) + 1");
        var fold = new StringBuilder("lower(REPLACE)");
        var replaced = "X";
        foreach (var c in new[] { ",", ".", "(", ")", "'" })
            replaced = $"replace({replaced}, '{(c == "'" ? "''" : c)}', ' ')";
        string Folded(string column) => fold.ToString().Replace("REPLACE", replaced.Replace("X", column, StringComparison.Ordinal), StringComparison.Ordinal);
        var templates =
            "INSERT INTO \"ClaimSearch\" (\"ClaimId\", \"Number\", \"Version\", \"Title\", \"Names\", \"Summary\", \"Sources\", \"Evidence\", \"Perpetrators\") " +
            $"SELECT \"Id\", \"Number\", 1, {Folded("\"Title\"")}, {Folded("\"PlaceName\"")}, {Folded("\"Summary\"")}, {sources}, '', '' " +
            $"FROM \"Claims\" WHERE \"Number\" <= {Templates.ToString(CultureInfo.InvariantCulture)}";
        return provider == DatabaseProvider.Sqlite ? $"{generated};\n{templates};" : $"{generated};\n{templates};";
    }
}
