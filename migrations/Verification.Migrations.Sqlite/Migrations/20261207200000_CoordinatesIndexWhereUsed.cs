using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Verification.Persistence;

#nullable disable

namespace Verification.Migrations.Sqlite.Migrations
{
    /// <summary>
    /// Hand-written: drops IX_Claims_Latitude_Longitude on SQLite, where no query uses it. The map filter reads the R*Tree
    /// ClaimBox (migration ClaimBoxIndex) and keeps the planner off this B-tree on purpose (ClaimBoxSearch: a latitude range
    /// then a sort by number was the slow plan); the partner reader's rounded-coordinate tests are expressions no index
    /// serves. The index was still written for every claim, at a random place in it (an import's rows come in file
    /// order, not coordinate order): measured in docs/performance-changes.md, thirteenth round. PostgreSQL and SQL
    /// Server answer the box from it and keep it.
    /// </summary>
    [DbContext(typeof(VerificationDb))]
    [Migration("20261207200000_CoordinatesIndexWhereUsed")]
    public partial class CoordinatesIndexWhereUsed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS \"IX_Claims_Latitude_Longitude\";");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("CREATE INDEX IF NOT EXISTS \"IX_Claims_Latitude_Longitude\" ON \"Claims\" (\"Latitude\", \"Longitude\");");
        }
    }
}
