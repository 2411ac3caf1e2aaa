using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Verification.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class ReviewerQueues : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ReviewerEmail",
                table: "Claims",
                type: "nvarchar(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ReviewerId",
                table: "Claims",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ReviewerSince",
                table: "Claims",
                type: "datetime2",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Claims_ReviewerId_Number",
                table: "Claims",
                columns: new[] { "ReviewerId", "Number" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Claims_ReviewerId_Number",
                table: "Claims");

            migrationBuilder.DropColumn(
                name: "ReviewerEmail",
                table: "Claims");

            migrationBuilder.DropColumn(
                name: "ReviewerId",
                table: "Claims");

            migrationBuilder.DropColumn(
                name: "ReviewerSince",
                table: "Claims");
        }
    }
}
