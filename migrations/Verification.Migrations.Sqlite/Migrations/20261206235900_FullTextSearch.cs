using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Verification.Persistence;

#nullable disable

namespace Verification.Migrations.Sqlite.Migrations
{
    /// <summary>
    /// Hand-written (keep it when the generated migrations are regenerated): the FTS5 index over ClaimSearch. An
    /// external-content table (the text is stored once, in ClaimSearch) keyed by the claim number, with SQLite's own
    /// accent folding on top of the folding the application already did. Three triggers keep it in step with ClaimSearch
    /// inside the writing transaction. A later EF Core migration that rebuilds the ClaimSearch table (SQLite rebuilds a
    /// table for most column changes) drops these triggers with the old table: it must create them again and end with
    /// the 'rebuild' command below. The same holds for IX_Claims_Latitude_Longitude when the Claims table is rebuilt.
    /// </summary>
    [DbContext(typeof(VerificationDb))]
    [Migration("20261206235900_FullTextSearch")]
    public partial class FullTextSearch : Migration
    {
        private const string Columns = "\"Title\", \"Names\", \"Summary\", \"Sources\", \"Evidence\"";
        private const string NewValues = "new.\"Title\", new.\"Names\", new.\"Summary\", new.\"Sources\", new.\"Evidence\"";
        private const string OldValues = "old.\"Title\", old.\"Names\", old.\"Summary\", old.\"Sources\", old.\"Evidence\"";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The map filter (bbox) on the coordinates: a Latitude range, Longitude checked in the index. EF Core maps no index
            // over a complex type's columns, so it is here.
            migrationBuilder.Sql("CREATE INDEX \"IX_Claims_Latitude_Longitude\" ON \"Claims\" (\"Latitude\", \"Longitude\");");
            migrationBuilder.Sql(
                $"CREATE VIRTUAL TABLE \"ClaimSearchFts\" USING fts5({Columns}, content='ClaimSearch', content_rowid='Number', " +
                "tokenize='unicode61 remove_diacritics 2');");
            migrationBuilder.Sql(
                "CREATE TRIGGER \"ClaimSearch_FtsInsert\" AFTER INSERT ON \"ClaimSearch\" BEGIN " +
                $"INSERT INTO \"ClaimSearchFts\"(rowid, {Columns}) VALUES (new.\"Number\", {NewValues}); END;");
            migrationBuilder.Sql(
                "CREATE TRIGGER \"ClaimSearch_FtsDelete\" AFTER DELETE ON \"ClaimSearch\" BEGIN " +
                $"INSERT INTO \"ClaimSearchFts\"(\"ClaimSearchFts\", rowid, {Columns}) VALUES ('delete', old.\"Number\", {OldValues}); END;");
            migrationBuilder.Sql(
                "CREATE TRIGGER \"ClaimSearch_FtsUpdate\" AFTER UPDATE ON \"ClaimSearch\" BEGIN " +
                $"INSERT INTO \"ClaimSearchFts\"(\"ClaimSearchFts\", rowid, {Columns}) VALUES ('delete', old.\"Number\", {OldValues}); " +
                $"INSERT INTO \"ClaimSearchFts\"(rowid, {Columns}) VALUES (new.\"Number\", {NewValues}); END;");
            migrationBuilder.Sql("INSERT INTO \"ClaimSearchFts\"(\"ClaimSearchFts\") VALUES ('rebuild');");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS \"IX_Claims_Latitude_Longitude\";");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS \"ClaimSearch_FtsUpdate\";");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS \"ClaimSearch_FtsDelete\";");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS \"ClaimSearch_FtsInsert\";");
            migrationBuilder.Sql("DROP TABLE IF EXISTS \"ClaimSearchFts\";");
        }
    }
}
