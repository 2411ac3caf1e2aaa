using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Verification.Persistence;

#nullable disable

namespace Verification.Migrations.SqlServer.Migrations
{
    /// <summary>
    /// Hand-written, and empty here: PostgreSQL's storage of the stored claim documents (lz4, kept inline). This provider
    /// has no TOAST; the migration exists so the three providers keep the same list.
    /// </summary>
    [DbContext(typeof(VerificationDb))]
    [Migration("20261207190000_ClaimDocumentsInlineLz4")]
    public partial class ClaimDocumentsInlineLz4 : Migration
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
