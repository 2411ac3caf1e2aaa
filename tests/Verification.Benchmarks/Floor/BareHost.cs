using System.Buffers;
using System.Data.Common;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;
using Verification.Persistence;

namespace Verification.Benchmarks.Floor;

/// <summary>
/// The bare host of issue 18: a minimal-API host with nothing in it but the answer. It answers <c>/health/live</c>
/// as the API does ("Healthy", text/plain), and returns stored JSON: one claim's document by id, or the 50 newest
/// stored rows as a page, from a table of its own (<see cref="BareDocuments"/>) that the suite fills from the API's
/// own answers after seeding. No authentication, no logging, no EF Core, no shaping: the ceiling of "read stored
/// bytes and send them". It runs in a process of its own with server GC, like the API and the floor:
/// <c>Verification.Benchmarks bare --provider Sqlite --connection "..." --content-root DIR</c>.
/// </summary>
public static class BareHost
{
    private static readonly byte[] PageStart = "{\"items\":["u8.ToArray();
    private static readonly byte[] PageEnd = "]}"u8.ToArray();

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var provider = Enum.Parse<DatabaseProvider>(Argument(args, "--provider"), ignoreCase: true);
        var documents = new BareDocuments(provider, Argument(args, "--connection"));
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Argument(args, "--content-root") });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        var app = builder.Build();

        app.MapGet("/bare/ready", () => "ready");
        app.MapGet("/health/live", () => Results.Text("Healthy", "text/plain"));
        app.MapGet("/api/v1/claims/{id:guid}", async (Guid id, HttpResponse response, CancellationToken ct) =>
        {
            var json = await documents.OneAsync(BareDocuments.Staff, id, ct);
            if (json is null)
                return Results.NotFound();
            return Results.Bytes(json, "application/json; charset=utf-8");
        });
        app.MapGet("/api/v1/claims", (int? limit, HttpResponse response, CancellationToken ct) =>
            WritePageAsync(response, documents, BareDocuments.Staff, limit ?? 50, ct));
        app.MapGet("/api/v1/partner/claims", (int? limit, HttpResponse response, CancellationToken ct) =>
            WritePageAsync(response, documents, BareDocuments.Partner, limit ?? 50, ct));

        await app.RunAsync();
        return 0;
    }

    private static async Task WritePageAsync(HttpResponse response, BareDocuments documents, int kind, int limit, CancellationToken ct)
    {
        var rows = await documents.NewestAsync(kind, limit, ct);
        response.ContentType = "application/json; charset=utf-8";
        var body = response.BodyWriter;
        body.Write(PageStart);
        for (var i = 0; i < rows.Count; i++)
        {
            if (i > 0)
                body.Write(","u8);
            body.Write(rows[i]);
        }
        body.Write(PageEnd);
        await body.FlushAsync(ct);
    }

    private static string Argument(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == name)
                return args[i + 1];
        }
        throw new ArgumentException($"The bare host needs {name}.");
    }
}

/// <summary>
/// The bare host's table: (kind, id) → the JSON bytes the API answered, with a position for "newest first". On
/// SQLite it is a database file of its own; on PostgreSQL a table <c>bare_documents</c> beside the API's (the API
/// never reads it). Indexed on (kind, id) and (kind, position).
/// </summary>
public sealed class BareDocuments(DatabaseProvider provider, string connectionString)
{
    public const int Staff = 0;
    public const int Partner = 1;

    private readonly NpgsqlDataSource? _postgres = provider == DatabaseProvider.PostgreSql ? NpgsqlDataSource.Create(connectionString) : null;

    /// <summary>Creates the table (empty) and stores the given documents.</summary>
    public async Task FillAsync(IEnumerable<(int Kind, Guid Id, long Position, byte[] Json)> rows, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = provider == DatabaseProvider.PostgreSql
                ? "DROP TABLE IF EXISTS bare_documents; CREATE TABLE bare_documents (kind integer NOT NULL, id uuid NOT NULL, position bigint NOT NULL, json bytea NOT NULL, PRIMARY KEY (kind, id)); CREATE INDEX ix_bare_documents_position ON bare_documents (kind, position DESC);"
                : "DROP TABLE IF EXISTS bare_documents; CREATE TABLE bare_documents (kind INTEGER NOT NULL, id TEXT NOT NULL, position INTEGER NOT NULL, json BLOB NOT NULL, PRIMARY KEY (kind, id)); CREATE INDEX ix_bare_documents_position ON bare_documents (kind, position DESC); PRAGMA journal_mode=WAL;";
            await create.ExecuteNonQueryAsync(ct);
        }
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var (kind, id, position, json) in rows)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = provider == DatabaseProvider.PostgreSql
                ? "INSERT INTO bare_documents (kind, id, position, json) VALUES (@kind, @id, @position, @json) ON CONFLICT (kind, id) DO UPDATE SET position = GREATEST(bare_documents.position, excluded.position), json = excluded.json"
                : "INSERT INTO bare_documents (kind, id, position, json) VALUES (@kind, @id, @position, @json) ON CONFLICT (kind, id) DO UPDATE SET position = max(position, excluded.position), json = excluded.json";
            Add(insert, "@kind", kind);
            Add(insert, "@id", Key(id));
            Add(insert, "@position", position);
            Add(insert, "@json", json);
            await insert.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    public async Task<byte[]?> OneAsync(int kind, Guid id, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT json FROM bare_documents WHERE kind = @kind AND id = @id";
        Add(command, "@kind", kind);
        Add(command, "@id", Key(id));
        return await command.ExecuteScalarAsync(ct) as byte[];
    }

    public async Task<List<byte[]>> NewestAsync(int kind, int limit, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT json FROM bare_documents WHERE kind = @kind ORDER BY position DESC LIMIT @limit";
        Add(command, "@kind", kind);
        Add(command, "@limit", Math.Clamp(limit, 1, 200));
        var rows = new List<byte[]>(limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add((byte[])reader.GetValue(0));
        return rows;
    }

    /// <summary>Where the bare host keeps its table for an API database: its own SQLite file, or the same PostgreSQL database.</summary>
    public static string ConnectionFor(DatabaseProvider provider, string apiConnectionString, string folder) =>
        provider == DatabaseProvider.PostgreSql
            ? apiConnectionString
            : new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, $"bare-{Guid.NewGuid():N}.db"), Pooling = true }.ToString();

    private object Key(Guid id) => provider == DatabaseProvider.PostgreSql ? id : id.ToString();

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        if (_postgres is not null)
            return await _postgres.OpenConnectionAsync(ct);
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    /// <summary>The UTF-8 bytes of one JSON element, as the API sent them.</summary>
    public static byte[] Bytes(System.Text.Json.JsonElement element) => Encoding.UTF8.GetBytes(element.GetRawText());
}
