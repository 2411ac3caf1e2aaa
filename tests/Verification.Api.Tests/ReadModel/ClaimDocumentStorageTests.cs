using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Verification.Api.Tests.Infrastructure;
using Verification.Api.Tests.Partners;
using Verification.Persistence;

namespace Verification.Api.Tests.ReadModel;

/// <summary>
/// On PostgreSQL the stored claim documents are compressed with lz4 and kept in their row (migration
/// ClaimDocumentsInlineLz4): read from the TOAST table and decompressed with pglz, they were a quarter of the server's
/// work on the partner page (docs/performance-changes.md, eighth round). An installation upgraded from before the
/// migration has its stored documents rewritten by it, and partners get the same bytes.
/// </summary>
public sealed class ClaimDocumentStorageTests
{
    private const string Before = "ClaimBoxIndex";
    private static readonly string[] Columns = ["Staff", "PartnerPublic", "PartnerRestricted"];

    [Fact]
    public async Task On_PostgreSQL_the_documents_are_lz4_compressed_inline_and_the_migration_rewrites_the_ones_stored_before_it()
    {
        await using var world = await PartnerWorld.StartAsync(DatabaseProvider.PostgreSql);
        var partner = await world.NewPartnerAsync("Restricted");
        for (var i = 0; i < 3; i++)
            await world.DecidedAsync();
        var served = await PageAsync(partner);

        Assert.Equal(Columns.Select(c => (c, "l", "m")), await ColumnsAsync(world));
        var stored = await CompressionsAsync(world);
        Assert.Equal(3 * Columns.Length, stored.Count);
        Assert.All(stored, c => Assert.Equal("lz4", c));
        Assert.Equal(0, await ToastChunksAsync(world));

        // An installation from before the migration: the columns' defaults, and documents written under them (pglz, which
        // keeps a value uncompressed when it saves less than a quarter, and the larger values moved to the TOAST table).
        await MigrateAsync(world, Before);
        Assert.Equal(Columns.Select(c => (c, "", "x")), await ColumnsAsync(world));
        var old = await CompressionsAsync(world);
        Assert.Contains("pglz", old);
        Assert.DoesNotContain("lz4", old);
        Assert.True(await ToastChunksAsync(world) > 0, "Before the migration, some documents should be out of line.");
        Assert.Equal(served, await PageAsync(partner));

        await MigrateAsync(world, null);
        Assert.Equal(Columns.Select(c => (c, "l", "m")), await ColumnsAsync(world));
        var rewritten = await CompressionsAsync(world);
        Assert.Equal(stored.Count, rewritten.Count);
        Assert.All(rewritten, c => Assert.Equal("lz4", c));
        Assert.Equal(0, await ToastChunksAsync(world));
        Assert.Equal(served, await PageAsync(partner));
    }

    private static async Task<string> PageAsync(PartnerAccess partner)
    {
        var response = await partner.Client.GetAsync("/api/v1/partner/claims?limit=50");
        await Expect.Status(response, HttpStatusCode.OK);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(3, (await response.Json()).GetProperty("items").GetArrayLength());
        return body;
    }

    private static async Task MigrateAsync(PartnerWorld world, string? target)
    {
        await using var db = world.Api.Factory.CreateDb();
        await db.GetService<IMigrator>().MigrateAsync(target);
    }

    /// <summary>Each document column's compression method and storage (pg_attribute: l = lz4, empty = the server's default; m = main, x = extended).</summary>
    private static async Task<List<(string Column, string Compression, string Storage)>> ColumnsAsync(PartnerWorld world)
    {
        await using var connection = new NpgsqlConnection(world.Api.Factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT attname, attcompression::text, attstorage::text FROM pg_attribute
            WHERE attrelid = '"ClaimDocuments"'::regclass AND attname = ANY(@columns) ORDER BY array_position(@columns, attname::text)
            """, connection);
        command.Parameters.AddWithValue("columns", Columns);
        var columns = new List<(string, string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            columns.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        return columns;
    }

    /// <summary>Each stored document's compression method (null: stored uncompressed). Every claim here is decided, so each has its three documents.</summary>
    private static async Task<List<string?>> CompressionsAsync(PartnerWorld world)
    {
        await using var connection = new NpgsqlConnection(world.Api.Factory.ConnectionString);
        await connection.OpenAsync();
        var compressions = new List<string?>();
        foreach (var column in Columns)
        {
            await using var command = new NpgsqlCommand($"SELECT pg_column_compression(\"{column}\") FROM \"ClaimDocuments\"", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                compressions.Add(reader.IsDBNull(0) ? null : reader.GetString(0));
        }
        return compressions;
    }

    /// <summary>
    /// The live chunks of the table's TOAST table: 0 when every document is in its row. A rewritten value's old chunks are
    /// dead rows, which a count does not see.
    /// </summary>
    private static async Task<long> ToastChunksAsync(PartnerWorld world)
    {
        await using var connection = new NpgsqlConnection(world.Api.Factory.ConnectionString);
        await connection.OpenAsync();
        await using var toast = new NpgsqlCommand("SELECT reltoastrelid::regclass::text FROM pg_class WHERE oid = '\"ClaimDocuments\"'::regclass", connection);
        var table = (string)(await toast.ExecuteScalarAsync())!;
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
