using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Verification.Domain.Audit;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Backups;

/// <summary>
/// Where the embedded default keeps its data: the SQLite database, Hangfire's SQLite file beside it, the evidence
/// folder; and the keys folder with the two key files (which may be configured elsewhere), copied only on request.
/// </summary>
public sealed record DataFiles(string DatabaseFile, string JobsFile, string EvidenceFolder, string KeysFolder, string SigningKeyFile, string KeyRingKeyFile)
{
    /// <summary>Where a backup's <c>keys/…</c> or <c>published/…</c> entry goes: the two key files to their configured paths, the rest into the keys folder.</summary>
    public string KeysDestination(string entry) => entry switch
    {
        BackupManifest.SigningKeyEntry => SigningKeyFile,
        BackupManifest.KeyRingKeyEntry => KeyRingKeyFile,
        _ when entry.StartsWith(BackupManifest.PublishedPrefix, StringComparison.Ordinal) =>
            Path.Combine(KeysFolder, entry[BackupManifest.PublishedPrefix.Length..].Replace('/', Path.DirectorySeparatorChar)),
        _ => Path.Combine(KeysFolder, entry[BackupManifest.KeysPrefix.Length..].Replace('/', Path.DirectorySeparatorChar)),
    };
}

/// <summary>What a backup folder holds, with each file's SHA-256, and the audit chain's head at the time of the copy.</summary>
public sealed record BackupManifest(string Format, DateTime CreatedAt, AuditHead AuditHead, IReadOnlyList<BackupFile> Files)
{
    public const string CurrentFormat = "verification-backup/1";
    public const string FileName = "manifest.json";
    public const string DatabaseEntry = "database/verification.db";
    public const string JobsEntry = "database/verification.hangfire.db";
    public const string EvidencePrefix = "evidence/";
    public const string KeysPrefix = "keys/";
    public const string SigningKeyEntry = "keys/signing-key.pem";
    public const string KeyRingKeyEntry = "keys/key-ring.key";

    /// <summary>
    /// The keys folder's public part, in every backup: the signed heads (<c>heads.jsonl</c>) and the retired public keys.
    /// Neither mints a token nor opens a witness identity, and without them a restored instance could no longer show
    /// which heads it signed before, so a keyless backup still carries them (a backup with keys has them under keys/).
    /// </summary>
    public const string PublishedPrefix = "published/";

    public static bool IsPublishedKeyMaterial(string relativePath) =>
        relativePath == "heads.jsonl"
        || (relativePath.StartsWith("retired/", StringComparison.Ordinal) && relativePath.EndsWith(".pem", StringComparison.Ordinal)
            && relativePath.Count(c => c == '/') == 1);

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}

public sealed record AuditHead(long Sequence, string Hash);

/// <summary>One file of a backup: its path inside the backup folder (always with '/'), its size and SHA-256.</summary>
public sealed record BackupFile(string Path, long SizeBytes, string Sha256);

/// <summary>A backup or restore that must not go ahead; nothing was changed in place.</summary>
public sealed class BackupRefused(string reason) : Exception(reason);

internal static class BackupFiles
{
    private const int BufferSize = 1024 * 1024;

    /// <summary>
    /// Copies a file while hashing it, flushed to disk, into a new file (never over an existing one). A secret (a key)
    /// is created owner-only (0600) in folders created owner-only (0700), never readable for a moment by others.
    /// </summary>
    public static async Task<(string Sha256, long Size)> CopyAsync(string from, string to, CancellationToken ct, bool secret = false)
    {
        CreateFolderFor(to, secret);
        await using var source = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, BufferSize,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = BufferSize,
            Options = FileOptions.Asynchronous,
        };
        if (secret && !OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using var target = new FileStream(to, options);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BufferSize];
        long size = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, ct)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            await target.WriteAsync(buffer.AsMemory(0, read), ct);
            size += read;
        }
        await target.FlushAsync(ct);
        target.Flush(flushToDisk: true);
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), size);
    }

    /// <summary>Creates the folder a file goes into; owner-only (0700) for a secret.</summary>
    public static void CreateFolderFor(string file, bool secret)
    {
        if (secret && !OperatingSystem.IsWindows())
            Directory.CreateDirectory(Path.GetDirectoryName(file)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        else
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
    }

    public static async Task<string> HashAsync(string path, CancellationToken ct)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await Hashing.Sha256HexAsync(file, ct);
    }

    /// <summary>
    /// SQLite's online backup: a consistent copy of a database that is being written to, including what is still in
    /// the write-ahead log. The copy is switched to a plain rollback journal so that it is one self-contained file.
    /// </summary>
    public static void CopySqlite(string sourceFile, string targetFile)
    {
        var source = new SqliteConnectionStringBuilder { DataSource = sourceFile, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 30 };
        var target = new SqliteConnectionStringBuilder { DataSource = targetFile, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false };
        using var from = new SqliteConnection(source.ToString());
        using var to = new SqliteConnection(target.ToString());
        from.Open();
        to.Open();
        from.BackupDatabase(to);
        using var journal = to.CreateCommand();
        journal.CommandText = "PRAGMA journal_mode=DELETE;";
        journal.ExecuteNonQuery();
    }

    /// <summary>Opens a database file that is not in use by the API (a backup copy) for reading it with the model.</summary>
    public static VerificationDb OpenCopy(string databaseFile) =>
        new(new DbContextOptionsBuilder<VerificationDb>()
            .UseVerificationDatabase(DatabaseProvider.Sqlite, new SqliteConnectionStringBuilder { DataSource = databaseFile, Pooling = false }.ToString())
            .Options);

    public static async Task<AuditHead> AuditHeadAsync(VerificationDb db, CancellationToken ct) =>
        await db.AuditEntries.AsNoTracking().OrderByDescending(a => a.Sequence)
            .Select(a => new AuditHead(a.Sequence, a.Hash)).FirstOrDefaultAsync(ct)
        ?? new AuditHead(0, AuditEntry.GenesisHash);
}
