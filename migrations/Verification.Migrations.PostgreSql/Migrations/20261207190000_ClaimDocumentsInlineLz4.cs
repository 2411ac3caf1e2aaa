using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Verification.Persistence;

#nullable disable

namespace Verification.Migrations.PostgreSql.Migrations
{
    /// <summary>
    /// Hand-written (keep it when the generated migrations are regenerated): the three stored documents of a claim are
    /// compressed with lz4 and kept in the row (<c>STORAGE MAIN</c>). With the defaults (pglz, <c>EXTENDED</c>) a row of
    /// three documents of about 1.2 KB compressed each passed the 2 KB TOAST threshold, so <c>Staff</c> and
    /// <c>PartnerRestricted</c> were moved to the TOAST table: every page of 50 then read 50 values through the TOAST index
    /// and decompressed them with pglz, a quarter of the server's samples on the partner page (docs/performance-changes.md,
    /// eighth round). <c>MAIN</c> still compresses, and moves a value out of the row only when the row would not fit in a
    /// page; lz4 decompresses several times faster than pglz.
    /// <para>
    /// A column's compression and storage apply to values written after the change, so the migration rewrites the documents
    /// already stored (one UPDATE; a concatenation with nothing makes a new value, which PostgreSQL compresses anew; an
    /// unchanged value would keep its TOAST pointer). A server built without lz4 keeps pglz and still keeps the documents
    /// inline.
    /// </para>
    /// </summary>
    [DbContext(typeof(VerificationDb))]
    [Migration("20261207190000_ClaimDocumentsInlineLz4")]
    public partial class ClaimDocumentsInlineLz4 : Migration
    {
        private static readonly string[] Columns = ["Staff", "PartnerPublic", "PartnerRestricted"];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Alter("STORAGE MAIN"));
            // SET COMPRESSION lz4 fails with feature_not_supported on a server built without lz4 (--with-lz4 is PGDG's default).
            migrationBuilder.Sql($"""
                DO $$
                BEGIN
                    {Alter("COMPRESSION lz4")}
                EXCEPTION WHEN feature_not_supported THEN
                    RAISE NOTICE 'this PostgreSQL has no lz4: the claim documents keep pglz';
                END $$;
                """);
            migrationBuilder.Sql(Rewrite);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Alter("STORAGE EXTENDED"));
            migrationBuilder.Sql(Alter("COMPRESSION DEFAULT"));
            migrationBuilder.Sql(Rewrite);
        }

        private static string Alter(string setting) =>
            "ALTER TABLE \"ClaimDocuments\" " + string.Join(", ", Columns.Select(c => $"ALTER COLUMN \"{c}\" SET {setting}")) + ";";

        private static string Rewrite =>
            "UPDATE \"ClaimDocuments\" SET " + string.Join(", ", Columns.Select(c => $"\"{c}\" = \"{c}\" || ''::bytea")) + ";";
    }
}
