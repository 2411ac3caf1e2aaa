using Microsoft.Data.Sqlite;
using Verification.Api.Infrastructure.Jobs;
using Verification.Api.Infrastructure.Keys;
using Verification.Api.Infrastructure.Persistence;
using Verification.Api.Infrastructure.Storage;
using Verification.Persistence;

namespace Verification.Api.Features.Backups;

/// <summary>
/// <c>backup &lt;folder&gt;</c> and <c>restore &lt;folder&gt;</c>, run by the API's own executable before any web host
/// starts, with the same configuration sources as the API (appsettings, environment variables, --Key=value), so
/// they find the same database and evidence folder. <c>--include-keys</c> adds the keys folder to a backup, or puts a
/// backup's keys back on restore; without it keys are neither copied nor restored.
/// </summary>
public static class BackupCommandLine
{
    public static bool Handles(string[] args) => args.Length > 0 && args[0] is "backup" or "restore";

    public const string IncludeKeys = "--include-keys";

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? errors = null)
    {
        output ??= Console.Out;
        errors ??= Console.Error;
        var includeKeys = args.Contains(IncludeKeys, StringComparer.Ordinal);
        args = [.. args.Where(a => a != IncludeKeys)];
        if (args.Length < 2 || args[1].StartsWith('-'))
        {
            await errors.WriteLineAsync($"usage: backup <new folder> | restore <backup folder>   [{IncludeKeys}] [--Key=value ...]");
            return 2;
        }
        var configuration = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args[2..] }).Configuration;
        var database = configuration.GetSection("Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (database.Provider != DatabaseProvider.Sqlite)
        {
            await errors.WriteLineAsync($"backup and restore here are for the embedded SQLite database. For {database.Provider}, use its own " +
                "tools (pg_dump / pg_basebackup, or SQL Server's BACKUP DATABASE) and copy the evidence folder; see docs/operations.md.");
            return 2;
        }
        var files = Locate(configuration);
        try
        {
            if (args[0] == "backup")
            {
                var result = await Backup.RunAsync(files, args[1], TimeProvider.System, CancellationToken.None, includeKeys);
                await output.WriteLineAsync($"Backup written to {result.Folder}: {result.Manifest.Files.Count} files, " +
                    $"audit head {result.Manifest.AuditHead.Sequence} {result.Manifest.AuditHead.Hash}.");
                await output.WriteLineAsync(includeKeys
                    ? $"Keys included ({result.KeyFiles} files under keys/): this backup can mint tokens and read witness identities. Keep it as secret as the keys folder."
                    : $"Keys not included: restoring this backup needs the keys folder ({files.KeysFolder}) kept apart, or witness identities cannot be read.");
                await output.WriteLineAsync($"Manifest SHA-256: {result.ManifestSha256} (keep it apart from the backup to prove the manifest unaltered).");
                if (result.EvidenceFilesNotMatchingTheirName > 0)
                {
                    await errors.WriteLineAsync($"Warning: {result.EvidenceFilesNotMatchingTheirName} evidence file(s) no longer match their SHA-256; " +
                        "they were copied as they are. See the fixity checks (custody events FixityFailed).");
                    return 3;
                }
                return 0;
            }
            var restored = await Restore.RunAsync(args[1], files, CancellationToken.None, includeKeys);
            await output.WriteLineAsync($"Restored {restored.FilesRestored} files; audit head {restored.AuditHead.Sequence} {restored.AuditHead.Hash}; " +
                $"manifest SHA-256 {restored.ManifestSha256}. Start the API and check GET /api/v1/audit/verify.");
            if (restored.KeyFilesRestored > 0)
                await output.WriteLineAsync($"Restored {restored.KeyFilesRestored} key files into {files.KeysFolder} (owner-only).");
            if (restored.KeyFilesLeftOut > 0)
                await output.WriteLineAsync($"The backup holds {restored.KeyFilesLeftOut} key files; they were not restored (add {IncludeKeys} to put them back).");
            return 0;
        }
        catch (BackupRefused refused)
        {
            await errors.WriteLineAsync($"{args[0]} refused: {refused.Message}");
            return 1;
        }
    }

    internal static DataFiles Locate(IConfiguration configuration)
    {
        var connectionString = DatabaseSetup.ConnectionString(DatabaseProvider.Sqlite, configuration.GetConnectionString("Verification"));
        var evidence = configuration.GetSection("Evidence").Get<EvidenceOptions>() ?? new EvidenceOptions();
        // The same places KeysFolder, InstanceSigner and KeyRingKey read; the folder is not created here.
        var keys = Path.GetFullPath(configuration["Keys:Path"] is { Length: > 0 } k ? k : "keys");
        return new DataFiles(
            Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource),
            JobSetup.HangfireSqliteFile(connectionString),
            Path.GetFullPath(evidence.StoragePath),
            keys,
            configuration["Signing:KeyPath"] is { Length: > 0 } signing ? Path.GetFullPath(signing) : Path.Combine(keys, InstanceSigner.KeyFileName),
            configuration["Keys:KeyRingKeyPath"] is { Length: > 0 } ring ? Path.GetFullPath(ring) : Path.Combine(keys, KeyRingKey.FileName));
    }
}
