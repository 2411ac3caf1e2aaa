using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using Verification.Api.Infrastructure.Http;
using Verification.Domain.Common;

namespace Verification.Api.Infrastructure.Storage;

public sealed class EvidenceOptions
{
    public string StoragePath { get; set; } = "data/evidence";
    public long MaxUploadBytes { get; set; } = 512L * 1024 * 1024;
}

/// <summary>
/// Evidence bytes, content-addressed by SHA-256 (<c>ab/cd/abcd…</c>). An upload is streamed into a temporary file
/// in the store's own folder while it is hashed, flushed to disk, and only then renamed into place, which is atomic
/// on one file system: a crash leaves a temporary file to sweep, never a half-written blob under a real hash.
/// </summary>
public sealed class EvidenceStore(EvidenceOptions options, ILogger<EvidenceStore> logger)
{
    private const int BufferSize = 1024 * 1024;
    private readonly string _root = Path.GetFullPath(options.StoragePath);
    private string TempFolder => Path.Combine(_root, ".tmp");

    public long MaxUploadBytes => options.MaxUploadBytes;

    /// <summary>Streams <paramref name="source"/> into a temporary file, hashing as it goes; nothing is in place yet.</summary>
    public async Task<PendingBlob> ReceiveAsync(Stream source, CancellationToken ct)
    {
        Directory.CreateDirectory(TempFolder);
        var tempPath = Path.Combine(TempFolder, $"{Environment.MachineName}_{Environment.ProcessId}_{Guid.NewGuid():N}.tmp");
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var head = new byte[64];
        var headLength = 0;
        long size = 0;
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous))
            {
                int read;
                while ((read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), ct)) > 0)
                {
                    size += read;
                    if (size > options.MaxUploadBytes)
                        throw new PayloadTooLarge(options.MaxUploadBytes);
                    if (headLength < head.Length)
                    {
                        var take = Math.Min(read, head.Length - headLength);
                        Array.Copy(buffer, 0, head, headLength, take);
                        headLength += take;
                    }
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                await file.FlushAsync(ct);
                file.Flush(flushToDisk: true);
            }
            return new PendingBlob(this, tempPath, Convert.ToHexStringLower(hash.GetHashAndReset()), size,
                ContentSniffer.Detect(head.AsSpan(0, headLength)));
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public string PathFor(string sha256)
    {
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
            throw new ArgumentException("Not a lower-case SHA-256 hex digest.", nameof(sha256));
        return Path.Combine(_root, sha256[..2], sha256[2..4], sha256);
    }

    public bool Exists(string sha256) => File.Exists(PathFor(sha256));

    /// <summary>The SHA-256 of the stored bytes as they are now, or null when the file is gone (a fixity check).</summary>
    public async Task<string?> HashAsync(string sha256, CancellationToken ct)
    {
        try
        {
            await using var file = OpenRead(sha256);
            return await Hashing.Sha256HexAsync(file, ct);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public FileStream OpenRead(string sha256) =>
        new(PathFor(sha256), FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);

    /// <summary>
    /// Moves a received blob into place. Identical bytes already stored are kept once, but only after checking them:
    /// when the stored file under this hash is missing or no longer hashes to it (corrupted, tampered), the new upload,
    /// whose bytes were just hashed, replaces it with an atomic rename, and the caller records a fixity event.
    /// </summary>
    internal async Task<BlobPlacement> CommitAsync(PendingBlob blob, CancellationToken ct)
    {
        var target = PathFor(blob.Sha256);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (!File.Exists(target))
        {
            try
            {
                File.Move(blob.TempPath, target, overwrite: false);
                return BlobPlacement.Placed;
            }
            catch (IOException) when (File.Exists(target))
            {
                // Another upload of the same bytes won the race: checked below like any stored file.
            }
        }
        var observed = await HashAsync(blob.Sha256, ct);
        if (observed == blob.Sha256)
        {
            TryDelete(blob.TempPath);
            // The file may be one no row names yet (an orphan the sweep would remove after its grace period): writing
            // its time now restarts that period, so the row about to name it finds it there. File times are the file
            // system's clock, so they are compared with DateTime.UtcNow, not the application's TimeProvider.
            File.SetLastWriteTimeUtc(target, DateTime.UtcNow);
            return BlobPlacement.AlreadyStored;
        }
        // rename(2) over the old file is atomic: a reader sees the old bytes or the new ones, never a mix.
        File.Move(blob.TempPath, target, overwrite: true);
        logger.LogWarning("A stored evidence file no longer matched its hash; a new upload of the same bytes replaced it");
        return new BlobPlacement(Repaired: true, ObservedBefore: observed);
    }

    /// <summary>
    /// The hashes of stored files last written before <paramref name="beforeUtc"/> (file system time). Files still being
    /// received live in .tmp and are never listed; a file moves out of .tmp only when its upload is complete.
    /// </summary>
    public IEnumerable<string> StoredBefore(DateTime beforeUtc)
    {
        if (!Directory.Exists(_root))
            yield break;
        foreach (var first in Directory.EnumerateDirectories(_root).Where(d => IsHexName(d, 2)))
        {
            foreach (var second in Directory.EnumerateDirectories(first).Where(d => IsHexName(d, 2)))
            {
                foreach (var file in Directory.EnumerateFiles(second).Where(f => IsHexName(f, 64)))
                {
                    if (File.GetLastWriteTimeUtc(file) < beforeUtc)
                        yield return Path.GetFileName(file);
                }
            }
        }
    }

    /// <summary>Deletes a stored file that no row names, unless it was written (or re-used by an upload) since <paramref name="beforeUtc"/>.</summary>
    public bool RemoveOrphan(string sha256, DateTime beforeUtc)
    {
        var path = PathFor(sha256);
        return File.Exists(path) && File.GetLastWriteTimeUtc(path) < beforeUtc && TryDelete(path);
    }

    private static bool IsHexName(string path, int length) =>
        Path.GetFileName(path) is var name && name.Length == length && name.All(char.IsAsciiHexDigitLower);

    /// <summary>
    /// Deletes temporary files left by a crash: this machine's files of processes that no longer run, and anybody's
    /// older than a day (a second instance on another machine sharing the store).
    /// </summary>
    public Task SweepTemporaryFilesAsync()
    {
        if (!Directory.Exists(TempFolder))
            return Task.CompletedTask;
        var swept = 0;
        foreach (var path in Directory.EnumerateFiles(TempFolder, "*.tmp"))
        {
            var parts = Path.GetFileName(path).Split('_');
            var ownMachine = parts.Length == 3 && parts[0] == Environment.MachineName;
            var deadProcess = ownMachine && int.TryParse(parts[1], out var pid) && pid != Environment.ProcessId && !IsRunning(pid);
            var stale = File.GetLastWriteTimeUtc(path) < DateTime.UtcNow.AddDays(-1);
            if ((deadProcess || stale) && TryDelete(path))
                swept++;
        }
        if (swept > 0)
            logger.LogWarning("Swept {Count} temporary evidence files left by an interrupted upload", swept);
        return Task.CompletedTask;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    internal static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}

/// <summary>A received upload not yet in place. Disposing it without committing deletes the temporary file.</summary>
public sealed class PendingBlob(EvidenceStore store, string tempPath, string sha256, long sizeBytes, string detectedContentType) : IAsyncDisposable
{
    private bool _committed;

    internal string TempPath { get; } = tempPath;
    public string Sha256 { get; } = sha256;
    public long SizeBytes { get; } = sizeBytes;
    public string DetectedContentType { get; } = detectedContentType;

    public async Task<BlobPlacement> CommitAsync(CancellationToken ct)
    {
        var placement = await store.CommitAsync(this, ct);
        _committed = true;
        return placement;
    }

    public ValueTask DisposeAsync()
    {
        if (!_committed)
            EvidenceStore.TryDelete(TempPath);
        return ValueTask.CompletedTask;
    }
}

/// <summary>How a blob went into place: new, already there and intact, or repairing a stored file that no longer matched.</summary>
public sealed record BlobPlacement(bool Repaired, string? ObservedBefore)
{
    public static readonly BlobPlacement Placed = new(false, null);
    public static readonly BlobPlacement AlreadyStored = new(false, null);
}

public static class EvidenceStoreSetup
{
    public static IServiceCollection AddEvidenceStore(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Evidence").Get<EvidenceOptions>() ?? new EvidenceOptions();
        services.AddSingleton(options);
        services.AddSingleton<EvidenceStore>();
        return services;
    }
}
