using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Tests.Imports;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Search;

/// <summary>
/// On PostgreSQL, computing the generated <c>ClaimSearch."Document"</c> tsvector is a third of the server's work per
/// imported claim (docs/performance-changes.md, pgimport8). The API could write it instead, because every part it is
/// computed from is already folded (<c>SearchText.Fold</c>): the parser and the dictionaries of
/// <c>verification_search</c> then give exactly the part's words split on spaces, numbered in order. This holds that
/// property on real imported rows and on text full of what folding and PostgreSQL's parser treat specially, so a change
/// to either that breaks it is seen here, before anything relies on it.
/// </summary>
public sealed class PostgreSqlSearchVectorTests
{
    private const string Awkward =
        "awkwardmarker Ærøskøbing – São Tomé, İstanbul; Straße ﬁnal Łódź Ñandú Þórshöfn ǅemal Ångström 1.5km 3,000 e-mail a@b.com "
        + "http://example.org/a/b?c=1 ½ ١٢٣ Привет мир ⵜⴰⵎⴰⵣⵉⵖⵜ नमस्ते O'Brien's co-operation";

    [Fact]
    public async Task The_search_vector_of_an_imported_claim_is_its_folded_words_in_order()
    {
        var file = ImportRowErrorTests.UcdpRows(60, (row, set) =>
        {
            if (row is 2 or 7)
            {
                set("side_a", "Government of " + Awkward[..40]);
                set("adm_1", Awkward);
                set("adm_2", Awkward[20..]);
                set("where_coordinates", Awkward[..60]);
                set("source_headline", Awkward);
                set("source_original", Awkward);
            }
        });
        await using var api = await TestApi.StartAsync(DatabaseProvider.PostgreSql);
        var investigator = await api.NewPersonAsync("Investigator");
        var id = await Importing.AcceptedAsync(await investigator.Client.UploadAsync(file, "events.csv",
            new { format = "ucdp-ged-csv", datasetVersion = "23.1" }));
        var import = await investigator.Client.FinishedAsync(id, timeoutSeconds: 180);
        Assert.Equal("Succeeded", import.Str("status"));
        Assert.Equal(60, import.Int("createdClaims"));

        await using var scope = api.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
        var parts = await PartsAsync(db, """
            SELECT p."Part", p."Text", to_tsvector('verification_search', p."Text")::text AS "Parsed",
                   (SELECT coalesce(string_agg(quote_literal(w.word) || ':' || w.n, ' '), '')::tsvector::text
                    FROM (SELECT x.word, row_number() OVER (ORDER BY x.o) AS n
                          FROM regexp_split_to_table(p."Text", ' ') WITH ORDINALITY AS x(word, o)
                          WHERE x.word <> '') AS w) AS "Split"
            FROM "ClaimSearch" AS s
            CROSS JOIN LATERAL (VALUES ('Title', s."Title"), ('Names', s."Names"),
                ('Summary and sources', s."Summary" || ' ' || s."Sources"), ('Evidence', s."Evidence")) AS p("Part", "Text")
            """);

        Assert.Equal(60 * 4, parts.Count);
        Assert.Contains(parts, p => p.Part == "Names" && p.Text.Contains("awkwardmarker", StringComparison.Ordinal));
        Assert.All(parts, p => Assert.True(p.Parsed == p.Split,
            $"{p.Part} \"{p.Text}\": PostgreSQL parses {p.Parsed}, the words in order are {p.Split}"));
        // The stored vector is those parts weighted and joined, as the column's definition says.
        var stored = await db.Database.SqlQueryRaw<long>("""
            SELECT count(*) AS "Value" FROM "ClaimSearch" AS s
            WHERE s."Document" IS DISTINCT FROM (setweight(to_tsvector('verification_search', s."Title"), 'A')
                || setweight(to_tsvector('verification_search', s."Names"), 'B')
                || setweight(to_tsvector('verification_search', s."Summary" || ' ' || s."Sources"), 'C')
                || setweight(to_tsvector('verification_search', s."Evidence"), 'D'))
            """).SingleAsync();
        Assert.Equal(0L, stored);
    }

    private sealed record PartVectors(string Part, string Text, string Parsed, string Split);

    private static async Task<List<PartVectors>> PartsAsync(VerificationDb db, string sql)
    {
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var parts = new List<PartVectors>();
        while (await reader.ReadAsync())
            parts.Add(new PartVectors(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        await connection.CloseAsync();
        return parts;
    }
}
