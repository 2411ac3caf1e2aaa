using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Verification.Api.Features.Claims;
using Verification.Api.Infrastructure.Http;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Benchmarks.Floor;

/// <summary>
/// The floor: a bare minimal-API host that does what the API's routes do with nothing in between. No mediator,
/// no validation, no EF Core, no authentication, no request logging; the same routes, the same SQL
/// (<see cref="FloorSql"/>), the same database and the same JSON options and response records. Every figure of the
/// HTTP suite is the API's result divided by this host's. It runs in a process of its own, with server GC like the
/// API: <c>Verification.Benchmarks floor --provider Sqlite --connection "..." --evidence DIR</c>.
/// </summary>
public static class FloorHost
{
    public static readonly Guid Submitter = new("00000000-0000-0000-0002-000000000001");

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var provider = Enum.Parse<DatabaseProvider>(Argument(args, "--provider"), ignoreCase: true);
        var connectionString = Argument(args, "--connection");
        var evidence = Argument(args, "--evidence");

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = Argument(args, "--content-root") });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            // The API's options: web defaults, enums as strings.
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
            o.SerializerOptions.MaxDepth = 32;
        });
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = RequestLimits.MaxJsonBodyBytes;
        });
        await using var claims = new FloorClaims(provider, connectionString);
        var app = builder.Build();
        var json = app.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        claims.DocumentJson = json;

        app.MapGet("/floor/ready", () => "ready");

        app.MapGet("/api/v1/claims/{id:guid}", async (Guid id, HttpResponse response, CancellationToken ct) =>
        {
            var claim = await claims.ReadAsync(id, ct);
            if (claim is null)
                return Results.NotFound();
            response.Headers.ETag = $"\"{claim.Version}\"";
            return Results.Ok(claim);
        });

        app.MapGet("/api/v1/claims", async (int? limit, string? cursor, CancellationToken ct) =>
        {
            long? after = Paging.TryDecodeNumber(cursor, out var position) ? position : null;
            return Results.Ok(await claims.ListAsync(limit ?? Paging.DefaultLimit, after, ct));
        });

        // The partner page as the benchmark's partner (Restricted) sees it; the first page only, which is what the figure loads.
        app.MapGet("/api/v1/partner/claims", async (int? limit, CancellationToken ct) =>
            Results.Ok(await claims.PartnerPageAsync(limit ?? Paging.DefaultLimit, Verification.Domain.Partners.SharingLevel.Restricted, ct)));

        app.MapPost("/api/v1/claims", async (ClaimInput body, HttpResponse response, CancellationToken ct) =>
        {
            var digest = Hashing.Sha256Hex(JsonSerializer.Serialize(body, json));
            var claim = await claims.SubmitAsync(body, Submitter, digest, ct);
            response.Headers.ETag = $"\"{claim.Version}\"";
            return Results.Created($"/api/v1/claims/{claim.Id}", claim);
        });

        // The upload floor: the raw body to disk with SHA-256, flushed to the device, then moved under its hash,
        // as EvidenceStore does, without multipart, metadata, database or custody.
        app.MapPost("/floor/evidence", async (HttpContext http, CancellationToken ct) =>
        {
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                limit.MaxRequestBodySize = null;
            var (sha256, size) = await ReceiveAsync(http.Request.Body, evidence, ct);
            return Results.Created($"/floor/evidence/{sha256}", new { sha256, sizeBytes = size });
        });

        await app.RunAsync();
        return 0;
    }

    private static async Task<(string Sha256, long Size)> ReceiveAsync(Stream body, string root, CancellationToken ct)
    {
        const int bufferSize = 1024 * 1024;
        var temp = Path.Combine(root, ".tmp");
        Directory.CreateDirectory(temp);
        var path = Path.Combine(temp, Guid.NewGuid().ToString("N") + ".tmp");
        var buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long size = 0;
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize, FileOptions.Asynchronous))
            {
                int read;
                while ((read = await body.ReadAsync(buffer.AsMemory(0, bufferSize), ct)) > 0)
                {
                    size += read;
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                await file.FlushAsync(ct);
                file.Flush(flushToDisk: true);
            }
            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            var target = Path.Combine(root, sha256[..2], sha256[2..4], sha256);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(path, target, overwrite: true);
            return (sha256, size);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (File.Exists(path))
                File.Delete(path);
        }
    }

    private static string Argument(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == name)
                return args[i + 1];
        }
        throw new ArgumentException($"The floor host needs {name}.");
    }
}
