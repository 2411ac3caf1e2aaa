using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Verification.Persistence;

#nullable disable

namespace Verification.Migrations.PostgreSql.Migrations
{
    /// <summary>
    /// Hand-written, and empty here: SQLite drops IX_Claims_Latitude_Longitude, which no SQLite query uses (its map filter
    /// reads the R*Tree). This provider answers the box from that index and keeps it; the migration exists so the three
    /// providers keep the same list.
    /// </summary>
    [DbContext(typeof(VerificationDb))]
    [Migration("20261207200000_CoordinatesIndexWhereUsed")]
    public partial class CoordinatesIndexWhereUsed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }
}
