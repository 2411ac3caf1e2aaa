using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Verification.Persistence;

#nullable disable

namespace Verification.Migrations.PostgreSql.Migrations
{
    /// <summary>
    /// Hand-written (keep it when the generated migrations are regenerated): the full-text index over ClaimSearch. A text
    /// search configuration with unaccent before the simple dictionary (no stemming and no stop words: claims are written
    /// in many languages, and the application has already folded case and accents, so this is a second net), a stored
    /// generated tsvector column weighted A title, B names, C summary and sources, D evidence (partners' queries are
    /// restricted to A–C), and a GIN index on it. unaccent is a trusted extension: the database owner can create it.
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
            migrationBuilder.Sql("CREATE INDEX \"IX_Claims_Latitude_Longitude\" ON \"Claims\" (\"Latitude\", \"Longitude\");");
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS unaccent;");
            migrationBuilder.Sql("CREATE TEXT SEARCH CONFIGURATION verification_search (COPY = pg_catalog.simple);");
            migrationBuilder.Sql("ALTER TEXT SEARCH CONFIGURATION verification_search ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;");
            migrationBuilder.Sql("""
                ALTER TABLE "ClaimSearch" ADD COLUMN "Document" tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('verification_search'::regconfig, "Title"), 'A') ||
                    setweight(to_tsvector('verification_search'::regconfig, "Names"), 'B') ||
                    setweight(to_tsvector('verification_search'::regconfig, "Summary" || ' ' || "Sources"), 'C') ||
                    setweight(to_tsvector('verification_search'::regconfig, "Evidence"), 'D')) STORED;
                """);
            migrationBuilder.Sql("""CREATE INDEX "IX_ClaimSearch_Document" ON "ClaimSearch" USING GIN ("Document");""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS \"IX_Claims_Latitude_Longitude\";");
            migrationBuilder.Sql("""DROP INDEX IF EXISTS "IX_ClaimSearch_Document";""");
            migrationBuilder.Sql("""ALTER TABLE "ClaimSearch" DROP COLUMN IF EXISTS "Document";""");
            migrationBuilder.Sql("DROP TEXT SEARCH CONFIGURATION IF EXISTS verification_search;");
        }
    }
}
