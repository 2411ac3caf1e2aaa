using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Verification.Persistence;

#nullable disable

namespace Verification.Migrations.PostgreSql.Migrations
{
    /// <summary>
    /// Hand-written, and empty here: SQLite's R*Tree index for the map filter (bbox). This provider answers the box from
    /// IX_Claims_Latitude_Longitude within its target; the migration exists so the three providers keep the same list.
    /// </summary>
    [DbContext(typeof(VerificationDb))]
    [Migration("20261206235930_ClaimBoxIndex")]
    public partial class ClaimBoxIndex : Migration
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
