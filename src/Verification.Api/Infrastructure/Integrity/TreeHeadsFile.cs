using System.Text.Json;
using Verification.Api.Infrastructure.Keys;

namespace Verification.Api.Infrastructure.Integrity;

/// <summary>
/// <c>heads.jsonl</c> in the keys folder: every signed head, one JSON object a line (the published head shape), appended
/// and flushed to disk before the head is published. It lives beside the keys, not in the database, so someone who
/// rewrites the database cannot make the instance forget what it signed. Several instances share the folder; lines are
/// written with one append each, under a process-wide lock.
/// </summary>
public sealed class TreeHeadsFile(KeysFolder folder, ILogger<TreeHeadsFile> logger)
{
    public const string FileName = "heads.jsonl";

    // Relaxed escaping: the file is read by people and scripts, never embedded in HTML, and base64 keeps its '+'.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly Lock _gate = new();
    private long _highest = -1;

    public string Path => folder.PathOf(FileName);

    public void Append(SignedTreeHead head)
    {
        var line = JsonSerializer.Serialize(head, Json) + "\n";
        lock (_gate)
        {
            var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var file = new FileStream(Path, options))
            {
                file.Write(System.Text.Encoding.UTF8.GetBytes(line));
                file.Flush(flushToDisk: true);
            }
            _highest = Math.Max(_highest, head.TreeSize);
        }
    }

    /// <summary>Every head in the file. A line that does not parse is reported as unreadable, never skipped silently.</summary>
    public (List<SignedTreeHead> Heads, int Unreadable) ReadAll()
    {
        var heads = new List<SignedTreeHead>();
        var unreadable = 0;
        if (!File.Exists(Path))
            return (heads, 0);
        using var reader = new StreamReader(new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
                continue;
            try
            {
                if (JsonSerializer.Deserialize<SignedTreeHead>(line, Json) is { RootHash: not null, Signature: not null } head)
                    heads.Add(head);
                else
                    unreadable++;
            }
            catch (JsonException)
            {
                unreadable++;
            }
        }
        if (unreadable > 0)
            logger.LogError("{Count} line(s) of the heads file do not parse: it was edited", unreadable);
        lock (_gate)
            _highest = Math.Max(_highest, heads.Count == 0 ? 0 : heads.Max(h => h.TreeSize));
        return (heads, unreadable);
    }

    /// <summary>The largest tree size this instance knows it signed (read from the file once, then kept up to date).</summary>
    public long HighestTreeSize
    {
        get
        {
            lock (_gate)
            {
                if (_highest >= 0)
                    return _highest;
            }
            return ReadAll().Heads.Select(h => h.TreeSize).DefaultIfEmpty(0).Max();
        }
    }
}
