using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Features.Backups;
using Verification.Api.Infrastructure.Jobs;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Operations;

/// <summary>Backup and restore of the embedded default, through the same command line an operator uses.</summary>
public sealed class BackupRestoreTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "verification-backup-test-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task A_backup_taken_while_the_API_writes_restores_into_a_new_folder_with_claims_evidence_and_a_valid_chain()
    {
        await using var api = await TestApi.StartAsync(DatabaseProvider.Sqlite);
        var investigator = await api.NewPersonAsync("Investigator");
        var kept = new List<(Guid Claim, Guid Evidence, string Sha256)>();
        for (var i = 0; i < 3; i++)
            kept.Add(await SubmitWithFileAsync(investigator.Client, $"Field notes, page {i}"));

        // Writes keep coming while the backup runs: claims and files on the same database and evidence folder.
        using var stop = new CancellationTokenSource();
        var firstWrite = new TaskCompletionSource();
        var writer = Task.Run(async () =>
        {
            var written = 0;
            while (!stop.IsCancellationRequested && written < 40)
            {
                await SubmitWithFileAsync(investigator.Client, $"Concurrent upload {written} {Guid.NewGuid()}");
                written++;
                firstWrite.TrySetResult();
            }
            return written;
        });
        await firstWrite.Task;
        var backup = Path.Combine(_folder, "backup");
        var (code, output, errors) = await RunAsync("backup", backup, api.Factory.SqliteFile, api.Factory.EvidencePath, api.Factory.KeysPath, includeKeys: true);
        await stop.CancelAsync();
        Assert.True(await writer >= 1);
        Assert.True(code == 0, $"backup failed ({code}): {errors}");
        Assert.Contains("Manifest SHA-256", output);
        var manifest = JsonSerializer.Deserialize<BackupManifest>(await File.ReadAllTextAsync(Path.Combine(backup, "manifest.json")), JsonSerializerOptions.Web)!;
        Assert.Contains(manifest.Files, f => f.Path == "database/verification.db");
        Assert.Contains(manifest.Files, f => f.Path == "database/verification.hangfire.db");
        Assert.All(kept, k => Assert.Contains(manifest.Files, f => f.Path.EndsWith("/" + k.Sha256, StringComparison.Ordinal) && f.Sha256 == k.Sha256));

        Assert.Contains(manifest.Files, f => f.Path == "keys/key-ring.key");
        Assert.Contains(manifest.Files, f => f.Path == "keys/signing-key.pem");

        var restoredDatabase = Path.Combine(_folder, "restored", "verification.db");
        var restoredEvidence = Path.Combine(_folder, "restored", "evidence");
        var restoredKeys = Path.Combine(_folder, "restored", "keys");
        (code, _, errors) = await RunAsync("restore", backup, restoredDatabase, restoredEvidence, restoredKeys, includeKeys: true);
        Assert.True(code == 0, $"restore failed ({code}): {errors}");

        await using var restored = await TestApi.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Verification"] = $"Data Source={restoredDatabase}",
            ["Evidence:StoragePath"] = restoredEvidence,
            ["Keys:Path"] = restoredKeys,
        });
        var coordinator = await restored.CoordinatorAsync();
        await using (var restoredDb = restored.Factory.CreateDb())
        {
            var last = await restoredDb.AuditEntries.OrderByDescending(a => a.Sequence).Select(a => new { a.Sequence, a.Hash }).FirstAsync();
            Assert.Equal(manifest.AuditHead.Sequence, last.Sequence);
            Assert.Equal(manifest.AuditHead.Hash, last.Hash);
        }
        var verify = await (await coordinator.GetAsync("/api/v1/audit/verify")).Json();
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.ToString());
        Assert.Equal(manifest.AuditHead.Sequence, verify.GetProperty("checked").GetInt64());
        foreach (var (claim, evidence, sha256) in kept)
        {
            await Expect.Status(await coordinator.GetAsync($"/api/v1/claims/{claim}"), HttpStatusCode.OK);
            var content = await coordinator.GetAsync($"/api/v1/evidence/{evidence}/content");
            await Expect.Status(content, HttpStatusCode.OK);
            Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(await content.Content.ReadAsByteArrayAsync())));
        }
        // Every evidence row in the restored database, including those written during the backup, has its bytes.
        var fixity = await restored.RunCheckAsync(RecurringJobs.EvidenceFixityId, OperationalCheck.EvidenceFixity);
        Assert.True(fixity.Passed, $"{fixity.Failures} evidence items lack their bytes after the restore");
        Assert.True(fixity.Checked >= kept.Count);
    }

    [Fact]
    public async Task A_backup_leaves_the_keys_out_unless_asked_and_a_restore_puts_keys_back_only_when_asked_owner_only()
    {
        await using var api = await TestApi.StartAsync(DatabaseProvider.Sqlite);
        await api.NewPersonAsync("Investigator");
        var coordinator = await api.CoordinatorAsync();
        await Expect.Status(await coordinator.PostAsync("/api/v1/audit/heads", null), HttpStatusCode.Created);
        var keyRingKey = await File.ReadAllBytesAsync(Path.Combine(api.Factory.KeysPath, "key-ring.key"));
        var heads = await File.ReadAllBytesAsync(Path.Combine(api.Factory.KeysPath, "heads.jsonl"));

        var plain = Path.Combine(_folder, "plain");
        var (code, output, errors) = await RunAsync("backup", plain, api.Factory.SqliteFile, api.Factory.EvidencePath, api.Factory.KeysPath);
        Assert.True(code == 0, errors);
        Assert.Contains("Keys not included", output);
        var manifest = JsonSerializer.Deserialize<BackupManifest>(await File.ReadAllTextAsync(Path.Combine(plain, "manifest.json")), JsonSerializerOptions.Web)!;
        Assert.DoesNotContain(manifest.Files, f => f.Path.StartsWith("keys/", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(plain, "keys")));
        // The signed heads are public and go into every backup, so a restored instance still shows what it signed.
        Assert.Equal(["published/heads.jsonl"], manifest.Files.Where(f => f.Path.StartsWith("published/", StringComparison.Ordinal)).Select(f => f.Path));
        var fromPlain = Path.Combine(_folder, "from-plain");
        (code, _, errors) = await RunAsync("restore", plain, Path.Combine(fromPlain, "verification.db"), Path.Combine(fromPlain, "evidence"), Path.Combine(fromPlain, "keys"));
        Assert.True(code == 0, errors);
        Assert.Equal(heads, await File.ReadAllBytesAsync(Path.Combine(fromPlain, "keys", "heads.jsonl")));
        Assert.False(File.Exists(Path.Combine(fromPlain, "keys", "key-ring.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(fromPlain, "keys")));
        // Asking a keyless backup for keys is refused before anything is written.
        var refusedTarget = Path.Combine(_folder, "refused", "verification.db");
        (code, _, errors) = await RunAsync("restore", plain, refusedTarget, Path.Combine(_folder, "refused", "evidence"), Path.Combine(_folder, "refused", "keys"), includeKeys: true);
        Assert.Equal(1, code);
        Assert.Contains("holds no keys", errors);
        Assert.False(File.Exists(refusedTarget));

        var keyed = Path.Combine(_folder, "keyed");
        (code, output, errors) = await RunAsync("backup", keyed, api.Factory.SqliteFile, api.Factory.EvidencePath, api.Factory.KeysPath, includeKeys: true);
        Assert.True(code == 0, errors);
        Assert.Contains("Keys included", output);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(keyed, "keys", "key-ring.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(keyed, "keys")));

        // Without --include-keys, a restore leaves the backup's keys where they are.
        var withoutKeys = Path.Combine(_folder, "without");
        (code, output, errors) = await RunAsync("restore", keyed, Path.Combine(withoutKeys, "verification.db"), Path.Combine(withoutKeys, "evidence"), Path.Combine(withoutKeys, "keys"));
        Assert.True(code == 0, errors);
        Assert.Contains("were not restored", output);
        Assert.False(File.Exists(Path.Combine(withoutKeys, "keys", "key-ring.key")));
        Assert.False(File.Exists(Path.Combine(withoutKeys, "keys", "signing-key.pem")));

        var withKeys = Path.Combine(_folder, "with");
        (code, output, errors) = await RunAsync("restore", keyed, Path.Combine(withKeys, "verification.db"), Path.Combine(withKeys, "evidence"), Path.Combine(withKeys, "keys"), includeKeys: true);
        Assert.True(code == 0, errors);
        var restoredKey = Path.Combine(withKeys, "keys", "key-ring.key");
        Assert.Equal(keyRingKey, await File.ReadAllBytesAsync(restoredKey));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(restoredKey));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(withKeys, "keys")));
    }

    [Fact]
    public async Task Restore_refuses_a_backup_whose_files_were_changed()
    {
        await using var api = await TestApi.StartAsync(DatabaseProvider.Sqlite);
        var investigator = await api.NewPersonAsync("Investigator");
        await SubmitWithFileAsync(investigator.Client, "Photo of the crater");
        var backup = Path.Combine(_folder, "backup");
        Assert.Equal(0, (await RunAsync("backup", backup, api.Factory.SqliteFile, api.Factory.EvidencePath)).Code);

        var evidenceCopy = Directory.EnumerateFiles(Path.Combine(backup, "evidence"), "*", SearchOption.AllDirectories).First();
        await File.AppendAllTextAsync(evidenceCopy, "!");
        var target = Path.Combine(_folder, "restored", "verification.db");
        var (code, _, errors) = await RunAsync("restore", backup, target, Path.Combine(_folder, "restored", "evidence"));

        Assert.Equal(1, code);
        Assert.Contains("damaged or was altered", errors);
        Assert.Contains(Path.GetFileName(evidenceCopy), errors);
        Assert.False(File.Exists(target));
        Assert.False(Directory.Exists(Path.Combine(_folder, "restored", "evidence")));
    }

    [Fact]
    public async Task Restore_refuses_an_audit_chain_changed_inside_the_backup_database()
    {
        await using var api = await TestApi.StartAsync(DatabaseProvider.Sqlite);
        await api.NewPersonAsync("Investigator");
        var backup = Path.Combine(_folder, "backup");
        Assert.Equal(0, (await RunAsync("backup", backup, api.Factory.SqliteFile, api.Factory.EvidencePath)).Code);

        // Someone rewrites history in the copy and updates the manifest's hash to match: the chain still tells.
        var database = Path.Combine(backup, "database", "verification.db");
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE \"AuditEntries\" SET \"Actor\" = 'user:someone-else' WHERE \"Sequence\" = 1";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }
        var manifestPath = Path.Combine(backup, "manifest.json");
        var manifest = JsonSerializer.Deserialize<BackupManifest>(await File.ReadAllTextAsync(manifestPath), JsonSerializerOptions.Web)!;
        var bytes = await File.ReadAllBytesAsync(database);
        var forged = manifest with
        {
            Files = [.. manifest.Files.Select(f => f.Path == "database/verification.db" ? f with { SizeBytes = bytes.Length, Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)) } : f)],
        };
        await File.WriteAllTextAsync(manifestPath, JsonSerializer.Serialize(forged, JsonSerializerOptions.Web));

        var target = Path.Combine(_folder, "restored", "verification.db");
        var (code, _, errors) = await RunAsync("restore", backup, target, Path.Combine(_folder, "restored", "evidence"));
        Assert.Equal(1, code);
        Assert.Contains("audit chain is broken", errors);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public async Task Restore_never_overwrites_an_existing_database()
    {
        await using var api = await TestApi.StartAsync(DatabaseProvider.Sqlite);
        var backup = Path.Combine(_folder, "backup");
        Assert.Equal(0, (await RunAsync("backup", backup, api.Factory.SqliteFile, api.Factory.EvidencePath)).Code);
        var (code, _, errors) = await RunAsync("restore", backup, api.Factory.SqliteFile, api.Factory.EvidencePath);
        Assert.Equal(1, code);
        Assert.Contains("move the current data aside", errors);
    }

    [Fact]
    public async Task Backup_goes_only_into_an_empty_folder_and_only_for_SQLite()
    {
        Directory.CreateDirectory(_folder);
        await File.WriteAllTextAsync(Path.Combine(_folder, "something.txt"), "not a backup");
        var (code, _, errors) = await RunAsync("backup", _folder, Path.Combine(_folder, "verification.db"), Path.Combine(_folder, "evidence"));
        Assert.Equal(1, code);
        Assert.Contains("not empty", errors);

        var output = new StringWriter();
        var postgres = new StringWriter();
        Assert.Equal(2, await BackupCommandLine.RunAsync(["backup", Path.Combine(_folder, "pg"), "--Database:Provider=PostgreSql"], output, postgres));
        Assert.Contains("pg_dump", postgres.ToString());
    }

    private static async Task<(int Code, string Output, string Errors)> RunAsync(string verb, string folder, string databaseFile, string evidenceFolder,
        string? keysFolder = null, bool includeKeys = false)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        string[] args = [verb, folder, "--Database:Provider=Sqlite", $"--ConnectionStrings:Verification=Data Source={databaseFile}", $"--Evidence:StoragePath={evidenceFolder}"];
        if (keysFolder is not null)
            args = [.. args, $"--Keys:Path={keysFolder}"];
        if (includeKeys)
            args = [.. args, BackupCommandLine.IncludeKeys];
        var code = await BackupCommandLine.RunAsync(args, output, errors);
        return (code, output.ToString(), errors.ToString());
    }

    private static async Task<(Guid Claim, Guid Evidence, string Sha256)> SubmitWithFileAsync(HttpClient investigator, string text)
    {
        var (claim, _) = await investigator.SubmitClaimAsync();
        var id = claim.GetProperty("id").GetGuid();
        var evidence = await investigator.AddFileAsync(id, Operations.Bytes(text));
        return (id, evidence.GetProperty("id").GetGuid(), evidence.GetProperty("sha256").GetString()!);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
