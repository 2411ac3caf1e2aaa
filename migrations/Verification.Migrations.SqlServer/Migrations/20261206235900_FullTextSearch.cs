using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Verification.Persistence;

#nullable disable

namespace Verification.Migrations.SqlServer.Migrations
{
    /// <summary>
    /// Hand-written (keep it when the generated migrations are regenerated): a full-text catalog, accent-insensitive, and
    /// a full-text index over ClaimSearch's text columns keyed by the unique claim-number index, in the neutral language
    /// (no stemming) and without a stop list (every word is findable, as on the other providers). Full-text statements
    /// cannot run in a transaction, hence suppressTransaction. The server needs the Full-Text Search feature (Azure SQL
    /// has it). The index follows changes in the background (CHANGE_TRACKING = AUTO): a new claim is found by its words
    /// a moment after it commits, not at once as on SQLite and PostgreSQL. A column in the index cannot be altered, nor
    /// IX_ClaimSearch_Number dropped, without dropping this index first.
    /// </summary>
    [DbContext(typeof(VerificationDb))]
    [Migration("20261206235900_FullTextSearch")]
    public partial class FullTextSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The map filter (bbox) on the coordinates: a Latitude range, Longitude checked in the index. EF Core maps no index
            // over a complex type's columns, so it is here.
            migrationBuilder.Sql("CREATE INDEX [IX_Claims_Latitude_Longitude] ON [Claims] ([Latitude], [Longitude]);");
            migrationBuilder.Sql(
                "IF NOT EXISTS (SELECT 1 FROM sys.fulltext_catalogs WHERE name = N'VerificationSearch') " +
                "CREATE FULLTEXT CATALOG [VerificationSearch] WITH ACCENT_SENSITIVITY = OFF;",
                suppressTransaction: true);
            migrationBuilder.Sql(
                "CREATE FULLTEXT INDEX ON [ClaimSearch] ([Title] LANGUAGE 0, [Names] LANGUAGE 0, [Summary] LANGUAGE 0, [Sources] LANGUAGE 0, [Evidence] LANGUAGE 0) " +
                "KEY INDEX [IX_ClaimSearch_Number] ON [VerificationSearch] WITH (CHANGE_TRACKING = AUTO, STOPLIST = OFF);",
                suppressTransaction: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX [IX_Claims_Latitude_Longitude] ON [Claims];");
            migrationBuilder.Sql("DROP FULLTEXT INDEX ON [ClaimSearch];", suppressTransaction: true);
            migrationBuilder.Sql("DROP FULLTEXT CATALOG [VerificationSearch];", suppressTransaction: true);
        }
    }
}
