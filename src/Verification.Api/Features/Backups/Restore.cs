using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Verification.Domain.Audit;
using Verification.Domain.Common;

namespace Verification.Api.Features.Backups;

/// <summary>
/// Puts a backup back, with the API stopped. Everything is checked before anything is written: each file against
/// the manifest's size and SHA-256, and the backup's audit chain walked to the head the manifest names. A damaged or
/// altered backup is refused. The database is never restored over an existing one: move that aside first (keep it
/// for whoever investigates what went wrong). Keys in the backup are put back only when asked for, owner-only, and
/// never over a different key already in place.
/// </summary>
public static class Restore
{
    public sealed record Result(int FilesRestored, AuditHead AuditHead, string ManifestSha256, int KeyFilesRestored, int KeyFilesLeftOut);

    public static async Task<Result> RunAsync(string folder, DataFiles target, CancellationToken ct, bool includeKeys = false)
    {
        folder = Path.GetFullPath(folder);
        var manifestPath = Path.Combine(folder, BackupManifest.FileName);
        if (!File.Exists(manifestPath))
            throw new BackupRefused($"{folder} has no {BackupManifest.FileName}; it is not a Verification backup.");
        var manifestBytes = await File.ReadAllBytesAsync(manifestPath, ct);
        BackupManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<BackupManifest>(manifestBytes, BackupManifest.Json)
                ?? throw new BackupRefused("The manifest is empty.");
        }
        catch (JsonException e)
        {
            throw new BackupRefused($"The manifest cannot be read: {e.Message}");
        }
        if (manifest.Format != BackupManifest.CurrentFormat)
            throw new BackupRefused($"The manifest's format is '{manifest.Format}'; this build restores '{BackupManifest.CurrentFormat}'.");
        if (manifest.Files.All(f => f.Path != BackupManifest.DatabaseEntry))
            throw new BackupRefused("The manifest lists no database.");

        await VerifyFilesAsync(folder, manifest, ct);
        await VerifyAuditChainAsync(Path.Combine(folder, BackupManifest.DatabaseEntry), manifest.AuditHead, ct);

        foreach (var existing in new[] { target.DatabaseFile, target.DatabaseFile + "-wal", target.JobsFile })
        {
            if (File.Exists(existing))
                throw new BackupRefused($"{existing} exists. Stop the API and move the current data aside; a restore never overwrites it.");
        }
        var keys = manifest.Files.Where(f => f.Path.StartsWith(BackupManifest.KeysPrefix, StringComparison.Ordinal)).ToList();
        if (includeKeys)
        {
            if (keys.Count == 0)
                throw new BackupRefused("--include-keys was given, but this backup holds no keys (it was made without --include-keys).");
            foreach (var key in keys)
            {
                var destination = target.KeysDestination(key.Path);
                if (File.Exists(destination) && await BackupFiles.HashAsync(destination, ct) != key.Sha256)
                    throw new BackupRefused($"{destination} exists with other contents. A restore never replaces a key: move it aside first.");
            }
        }

        // The public part goes back always; with the keys, keys/ holds it too and wins.
        var published = includeKeys ? [] : manifest.Files.Where(f => f.Path.StartsWith(BackupManifest.PublishedPrefix, StringComparison.Ordinal)).ToList();
        foreach (var file in published)
        {
            var destination = target.KeysDestination(file.Path);
            if (File.Exists(destination) && await BackupFiles.HashAsync(destination, ct) != file.Sha256)
                throw new BackupRefused($"{destination} exists with other contents. Move it aside first; a restore never merges signed heads.");
        }

        var restored = 0;
        var keysRestored = 0;
        foreach (var file in manifest.Files)
        {
            var isKey = file.Path.StartsWith(BackupManifest.KeysPrefix, StringComparison.Ordinal);
            var isPublished = file.Path.StartsWith(BackupManifest.PublishedPrefix, StringComparison.Ordinal);
            if ((isKey && !includeKeys) || (isPublished && includeKeys))
                continue;
            var destination = file.Path switch
            {
                BackupManifest.DatabaseEntry => target.DatabaseFile,
                BackupManifest.JobsEntry => target.JobsFile,
                _ when isKey || isPublished => target.KeysDestination(file.Path),
                _ => Path.Combine(Path.GetFullPath(target.EvidenceFolder), file.Path[BackupManifest.EvidencePrefix.Length..]),
            };
            if (await PutInPlaceAsync(Path.Combine(folder, file.Path), destination, file, ct, secret: isKey || isPublished))
            {
                restored++;
                if (isKey)
                    keysRestored++;
            }
        }
        return new Result(restored, manifest.AuditHead, Hashing.Sha256Hex(manifestBytes), keysRestored,
            includeKeys ? 0 : keys.Count);
    }

    private static async Task VerifyFilesAsync(string folder, BackupManifest manifest, CancellationToken ct)
    {
        var problems = new List<string>();
        foreach (var file in manifest.Files)
        {
            if (!IsSafeEntry(file.Path))
            {
                problems.Add($"{file.Path}: not a path this backup format writes");
                continue;
            }
            var path = Path.Combine(folder, file.Path);
            if (!File.Exists(path))
                problems.Add($"{file.Path}: missing");
            else if (new FileInfo(path).Length != file.SizeBytes)
                problems.Add($"{file.Path}: {new FileInfo(path).Length} bytes, the manifest says {file.SizeBytes}");
            else if (await BackupFiles.HashAsync(path, ct) != file.Sha256)
                problems.Add($"{file.Path}: its SHA-256 differs from the manifest's");
        }
        if (problems.Count > 0)
            throw new BackupRefused($"The backup is damaged or was altered ({problems.Count} file(s)): {string.Join("; ", problems.Take(10))}");
    }

    /// <summary>Only the paths a backup writes: no rooted path, no "..", nothing outside database/, evidence/, keys/ and published/.</summary>
    private static bool IsSafeEntry(string entry)
    {
        if (entry is BackupManifest.DatabaseEntry or BackupManifest.JobsEntry)
            return true;
        if (!(entry.StartsWith(BackupManifest.EvidencePrefix, StringComparison.Ordinal) || entry.StartsWith(BackupManifest.KeysPrefix, StringComparison.Ordinal)
              || (entry.StartsWith(BackupManifest.PublishedPrefix, StringComparison.Ordinal)
                  && BackupManifest.IsPublishedKeyMaterial(entry[BackupManifest.PublishedPrefix.Length..])))
            || entry.Contains('\\') || Path.IsPathRooted(entry))
            return false;
        var segments = entry.Split('/');
        return segments.Length > 1 && segments.All(s => s.Length > 0 && s != "." && s != "..");
    }

    private static async Task VerifyAuditChainAsync(string databaseFile, AuditHead expected, CancellationToken ct)
    {
        ChainVerification result;
        AuditHead head;
        await using (var db = BackupFiles.OpenCopy(databaseFile))
        {
            var verifier = new AuditChainVerifier();
            await foreach (var entry in db.AuditEntries.AsNoTracking().OrderBy(a => a.Sequence).AsAsyncEnumerable().WithCancellation(ct))
            {
                if (!verifier.Accept(entry))
                    break;
            }
            result = verifier.Result;
            head = await BackupFiles.AuditHeadAsync(db, ct);
        }
        SqliteConnection.ClearAllPools();
        if (!result.Valid)
            throw new BackupRefused($"The backup's audit chain is broken at sequence {result.FirstInvalidSequence}.");
        if (head != expected)
            throw new BackupRefused($"The backup's audit head is {head.Sequence} {head.Hash}; the manifest says {expected.Sequence} {expected.Hash}.");
    }

    /// <summary>
    /// Copies through a temporary file in the destination folder, hashing again on the way (the backup could change
    /// between the check and the copy), and renames into place. Evidence already there with the right bytes is kept.
    /// </summary>
    private static async Task<bool> PutInPlaceAsync(string from, string destination, BackupFile expected, CancellationToken ct, bool secret = false)
    {
        if (File.Exists(destination) && await BackupFiles.HashAsync(destination, ct) == expected.Sha256)
            return false;
        BackupFiles.CreateFolderFor(destination, secret);
        var temporary = destination + ".restoring";
        File.Delete(temporary);
        var (sha256, _) = await BackupFiles.CopyAsync(from, temporary, ct, secret);
        if (sha256 != expected.Sha256)
        {
            File.Delete(temporary);
            throw new BackupRefused($"{expected.Path} changed while it was being restored; nothing more was copied.");
        }
        File.Move(temporary, destination, overwrite: true);
        return true;
    }
}
