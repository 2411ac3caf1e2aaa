using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Verification.Migrations.Sqlite.Migrations
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
                type: "TEXT",
                fixedLength: true,
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AuditRecordStates",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    RecordType = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    RecordId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Digest = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditRecordStates", x => new { x.Sequence, x.RecordType, x.RecordId });
                });

            migrationBuilder.CreateTable(
                name: "PartnerExports",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PartnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Format = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Head = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    RecordCount = table.Column<long>(type: "INTEGER", nullable: true),
                    Sha256 = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 64, nullable: true),
                    FinishedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TreeSize = table.Column<long>(type: "INTEGER", nullable: false),
                    RootHash = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 64, nullable: false),
                    Timestamp = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    KeyId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Signature = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    TimestampToken = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignedTreeHeads", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PartnerExportRecords",
                columns: table => new
                {
                    ExportId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Ordinal = table.Column<long>(type: "INTEGER", nullable: false),
                    ClaimId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ClaimVersion = table.Column<long>(type: "INTEGER", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 64, nullable: false)
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
