using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Verification.Persistence;

#nullable disable

namespace Verification.Migrations.Sqlite.Migrations
{
    /// <summary>
    /// Hand-written (keep it when the generated migrations are regenerated): the map filter's (bbox) R*Tree index over the
    /// claims' coordinates, SQLite's own <c>rtree</c> module. One point box per claim with coordinates, keyed by the
    /// claim number; a claim without both coordinates has none. Three triggers keep it in step with Claims inside the
    /// writing transaction, whoever writes (EF Core, the import's bulk INSERT, a hand-run statement). The R*Tree stores
    /// 32-bit floats rounded outwards, so it finds a superset of the box: the query tests the exact columns as well
    /// (Features/Search/ClaimBoxSearch.cs). A later EF Core migration that rebuilds the Claims table (SQLite rebuilds a
    /// table for most column changes) drops these triggers with the old table: it must create them again and end with
    /// the same refill (BoxIndexTests would fail otherwise).
    /// </summary>
    [DbContext(typeof(VerificationDb))]
    [Migration("20261206235930_ClaimBoxIndex")]
    public partial class ClaimBoxIndex : Migration
    {
        private const string Insert =
            "INSERT INTO \"ClaimBox\" (\"Number\", \"MinLongitude\", \"MaxLongitude\", \"MinLatitude\", \"MaxLatitude\") " +
            "SELECT new.\"Number\", new.\"Longitude\", new.\"Longitude\", new.\"Latitude\", new.\"Latitude\" " +
            "WHERE new.\"Longitude\" IS NOT NULL AND new.\"Latitude\" IS NOT NULL;";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                "CREATE VIRTUAL TABLE \"ClaimBox\" USING rtree(\"Number\", \"MinLongitude\", \"MaxLongitude\", \"MinLatitude\", \"MaxLatitude\");");
            migrationBuilder.Sql($"CREATE TRIGGER \"Claims_BoxInsert\" AFTER INSERT ON \"Claims\" BEGIN {Insert} END;");
            migrationBuilder.Sql(
                "CREATE TRIGGER \"Claims_BoxUpdate\" AFTER UPDATE OF \"Number\", \"Longitude\", \"Latitude\" ON \"Claims\" BEGIN " +
                $"DELETE FROM \"ClaimBox\" WHERE \"Number\" = old.\"Number\"; {Insert} END;");
            migrationBuilder.Sql(
                "CREATE TRIGGER \"Claims_BoxDelete\" AFTER DELETE ON \"Claims\" BEGIN " +
                "DELETE FROM \"ClaimBox\" WHERE \"Number\" = old.\"Number\"; END;");
            migrationBuilder.Sql(
                "INSERT INTO \"ClaimBox\" (\"Number\", \"MinLongitude\", \"MaxLongitude\", \"MinLatitude\", \"MaxLatitude\") " +
                "SELECT \"Number\", \"Longitude\", \"Longitude\", \"Latitude\", \"Latitude\" FROM \"Claims\" " +
                "WHERE \"Longitude\" IS NOT NULL AND \"Latitude\" IS NOT NULL;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS \"Claims_BoxDelete\";");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS \"Claims_BoxUpdate\";");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS \"Claims_BoxInsert\";");
            migrationBuilder.Sql("DROP TABLE IF EXISTS \"ClaimBox\";");
        }
    }
}
