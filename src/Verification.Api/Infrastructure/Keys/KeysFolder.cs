namespace Verification.Api.Infrastructure.Keys;

/// <summary>
/// The folder that holds what must never be in the database or a plain backup: the instance signing keys, the key
/// that encrypts the Data Protection key ring, and the append-only file of signed tree heads. Someone who copies the
/// database alone must not be able to sign, mint tokens or read witness identities (docs/integrity.md).
/// </summary>
public sealed class KeysFolder
{
    public KeysFolder(IConfiguration configuration)
        : this(configuration["Keys:Path"] is { Length: > 0 } path ? path : "keys")
    {
    }

    public KeysFolder(string path)
    {
        Root = Path.GetFullPath(path);
        if (!Directory.Exists(Root))
        {
            // Owner-only from the first moment: create with 0700 rather than tighten afterwards.
            if (OperatingSystem.IsWindows())
                Directory.CreateDirectory(Root);
            else
                Directory.CreateDirectory(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public string Root { get; }

    public string PathOf(string fileName) => Path.Combine(Root, fileName);

    /// <summary>Writes a new secret file readable by the owner alone; refuses to overwrite one that exists.</summary>
    public void WriteSecretFile(string fileName, ReadOnlySpan<byte> content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var file = new FileStream(PathOf(fileName), options);
        file.Write(content);
        file.Flush(flushToDisk: true);
    }
}
