using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Verification.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class SignedTreeHeadsAndExportManifests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RecordsDigest",
                table: "AuditEntries",
                type: "nchar(64)",
                fixedLength: true,
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AuditRecordStates",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    RecordType = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    RecordId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Digest = table.Column<string>(type: "nchar(64)", fixedLength: true, maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditRecordStates", x => new { x.Sequence, x.RecordType, x.RecordId });
                });

            migrationBuilder.CreateTable(
                name: "PartnerExports",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    PartnerId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Format = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    Head = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: true),
                    RecordCount = table.Column<long>(type: "bigint", nullable: true),
                    Sha256 = table.Column<string>(type: "nchar(64)", fixedLength: true, maxLength: 64, nullable: true),
                    FinishedAt = table.Column<DateTime>(type: "datetime2", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PartnerExports", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PartnerExports_Partners_PartnerId",
                        column: x => x.PartnerId,
                        principalTable: "Partners",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "SignedTreeHeads",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    TreeSize = table.Column<long>(type: "bigint", nullable: false),
                    RootHash = table.Column<string>(type: "nchar(64)", fixedLength: true, maxLength: 64, nullable: false),
                    Timestamp = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    KeyId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Signature = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    TimestampToken = table.Column<string>(type: "nvarchar(max)", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignedTreeHeads", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PartnerExportRecords",
                columns: table => new
                {
                    ExportId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Ordinal = table.Column<long>(type: "bigint", nullable: false),
                    ClaimId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ClaimVersion = table.Column<long>(type: "bigint", nullable: false),
                    Sha256 = table.Column<string>(type: "nchar(64)", fixedLength: true, maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PartnerExportRecords", x => new { x.ExportId, x.Ordinal });
                    table.ForeignKey(
                        name: "FK_PartnerExportRecords_PartnerExports_ExportId",
                        column: x => x.ExportId,
                        principalTable: "PartnerExports",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditRecordStates_RecordType_RecordId_Sequence",
                table: "AuditRecordStates",
                columns: new[] { "RecordType", "RecordId", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_PartnerExports_PartnerId_CreatedAt",
                table: "PartnerExports",
                columns: new[] { "PartnerId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SignedTreeHeads_TreeSize",
                table: "SignedTreeHeads",
                column: "TreeSize");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AuditRecordStates");

            migrationBuilder.DropTable(
                name: "PartnerExportRecords");

            migrationBuilder.DropTable(
                name: "SignedTreeHeads");

            migrationBuilder.DropTable(
                name: "PartnerExports");

            migrationBuilder.DropColumn(
                name: "RecordsDigest",
                table: "AuditEntries");
        }
    }
}
