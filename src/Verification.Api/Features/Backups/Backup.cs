using System.Text.Json;
using Microsoft.Data.Sqlite;
using Verification.Domain.Common;

namespace Verification.Api.Features.Backups;

/// <summary>
/// An online backup of the embedded default, safe while the API serves requests: the database first (SQLite's
/// backup API gives a consistent copy), then Hangfire's file, then the evidence. Bytes are always stored before the
/// row that points at them, so every evidence row in the database copy has its bytes in the evidence copy. A
/// manifest lists every file with its SHA-256 and the audit chain's head, so a restore can refuse a damaged copy.
/// The keys folder (the signing key, the key that seals the Data Protection key ring) is left out unless asked for:
/// a backup without it mints no token and reveals no witness, so it can be stored where the keys may not be. The
/// folder's public part (signed heads, retired public keys) is always copied, under published/.
/// </summary>
public static class Backup
{
    public sealed record Result(string Folder, BackupManifest Manifest, string ManifestSha256, int EvidenceFilesNotMatchingTheirName, int KeyFiles);

    public static async Task<Result> RunAsync(DataFiles source, string folder, TimeProvider clock, CancellationToken ct, bool includeKeys = false)
    {
        folder = Path.GetFullPath(folder);
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
            throw new BackupRefused($"{folder} is not empty; each backup goes into a new, empty folder.");
        if (!File.Exists(source.DatabaseFile))
            throw new BackupRefused($"There is no database at {source.DatabaseFile}; check ConnectionStrings:Verification.");
        Directory.CreateDirectory(Path.Combine(folder, "database"));

        var files = new List<BackupFile>();
        var createdAt = clock.GetUtcNow().UtcDateTime;
        var databaseCopy = Path.Combine(folder, BackupManifest.DatabaseEntry);
        BackupFiles.CopySqlite(source.DatabaseFile, databaseCopy);
        files.Add(await DescribeAsync(folder, BackupManifest.DatabaseEntry, ct));
        if (File.Exists(source.JobsFile))
        {
            BackupFiles.CopySqlite(source.JobsFile, Path.Combine(folder, BackupManifest.JobsEntry));
            files.Add(await DescribeAsync(folder, BackupManifest.JobsEntry, ct));
        }
        AuditHead head;
        await using (var copy = BackupFiles.OpenCopy(databaseCopy))
            head = await BackupFiles.AuditHeadAsync(copy, ct);
        SqliteConnection.ClearAllPools();

        var notMatching = 0;
        if (Directory.Exists(source.EvidenceFolder))
        {
            var root = Path.GetFullPath(source.EvidenceFolder);
            var temporary = Path.Combine(root, ".tmp");
            foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                // Uploads in progress are not evidence yet: no row points at them.
                if (path.StartsWith(temporary + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    continue;
                var entry = BackupManifest.EvidencePrefix + Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
                var (sha256, size) = await BackupFiles.CopyAsync(path, Path.Combine(folder, entry), ct);
                // The store is content-addressed: a file whose bytes no longer hash to its name has rotted or been changed.
                if (Path.GetFileName(path).Length == 64 && Path.GetFileName(path) != sha256)
                    notMatching++;
                files.Add(new BackupFile(entry, size, sha256));
            }
        }

        var keyFiles = 0;
        if (includeKeys)
        {
            foreach (var (path, entry) in KeyFiles(source))
            {
                var (sha256, size) = await BackupFiles.CopyAsync(path, Path.Combine(folder, entry), ct, secret: true);
                files.Add(new BackupFile(entry, size, sha256));
                keyFiles++;
            }
            if (keyFiles == 0)
                throw new BackupRefused($"--include-keys was given, but there are no keys at {source.KeysFolder}.");
        }
        else if (Directory.Exists(source.KeysFolder))
        {
            var root = Path.GetFullPath(source.KeysFolder);
            foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var relative = Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
                if (!BackupManifest.IsPublishedKeyMaterial(relative))
                    continue;
                var entry = BackupManifest.PublishedPrefix + relative;
                var (sha256, size) = await BackupFiles.CopyAsync(path, Path.Combine(folder, entry), ct);
                files.Add(new BackupFile(entry, size, sha256));
            }
        }

        var manifest = new BackupManifest(BackupManifest.CurrentFormat, createdAt, head, files);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, BackupManifest.Json);
        await File.WriteAllBytesAsync(Path.Combine(folder, BackupManifest.FileName), bytes, ct);
        return new Result(folder, manifest, Hashing.Sha256Hex(bytes), notMatching, keyFiles);
    }

    /// <summary>Every file of the keys folder as <c>keys/…</c>, and the two key files where they are configured outside it.</summary>
    private static IEnumerable<(string Path, string Entry)> KeyFiles(DataFiles source)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (Directory.Exists(source.KeysFolder))
        {
            var root = Path.GetFullPath(source.KeysFolder);
            foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var entry = BackupManifest.KeysPrefix + Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
                seen.Add(entry);
                yield return (path, entry);
            }
        }
        foreach (var (path, entry) in new[] { (source.SigningKeyFile, BackupManifest.SigningKeyEntry), (source.KeyRingKeyFile, BackupManifest.KeyRingKeyEntry) })
        {
            if (File.Exists(path) && seen.Add(entry))
                yield return (path, entry);
        }
    }

    private static async Task<BackupFile> DescribeAsync(string folder, string entry, CancellationToken ct)
    {
        var path = Path.Combine(folder, entry);
        return new BackupFile(entry, new FileInfo(path).Length, await BackupFiles.HashAsync(path, ct));
    }
}
