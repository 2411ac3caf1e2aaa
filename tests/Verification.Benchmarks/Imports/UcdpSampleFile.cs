using System.Globalization;
using System.Text;
using Verification.Benchmarks.Hosting;

namespace Verification.Benchmarks.Imports;

/// <summary>
/// A UCDP GED CSV of any length made from the real sample (docs/samples/ucdp-ged-23.1-car/events.csv, 1,848
/// events; attribution in that folder's README.md): its records repeated in order, each with a new event id, so
/// every row is a new claim with the sample's real texts, places and counts. The file is written as it is made,
/// one record at a time; only the 1.3 MB sample is held.
/// </summary>
public static class UcdpSampleFile
{
    public static string SamplePath => Path.Combine(RepoPaths.Root, "docs", "samples", "ucdp-ged-23.1-car", "events.csv");

    /// <summary>
    /// Writes <paramref name="rows"/> events to <paramref name="path"/>, with ids <paramref name="firstId"/>,
    /// <paramref name="firstId"/> + 1, …; returns the file's size in bytes.
    /// </summary>
    public static async Task<long> WriteAsync(string path, int rows, int firstId)
    {
        var (header, records) = await ReadSampleAsync();
        await using var file = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16);
        await file.WriteAsync(header);
        await file.WriteAsync('\n');
        for (var i = 0; i < rows; i++)
        {
            // The id is the first column and never quoted in GED; the rest of the record is the sample's, byte for byte.
            var record = records[i % records.Count];
            await file.WriteAsync((firstId + i).ToString(CultureInfo.InvariantCulture));
            await file.WriteAsync(record.AsMemory(record.IndexOf(',', StringComparison.Ordinal)));
            await file.WriteAsync('\n');
        }
        await file.FlushAsync();
        return file.BaseStream.Length;
    }

    /// <summary>The header line and each record's text (quoted fields may hold line breaks, so records are split outside quotes).</summary>
    private static async Task<(string Header, List<string> Records)> ReadSampleAsync()
    {
        var text = await File.ReadAllTextAsync(SamplePath);
        var records = new List<string>();
        var start = 0;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"')
                quoted = !quoted;
            else if (text[i] == '\n' && !quoted)
            {
                var record = text[start..i].TrimEnd('\r');
                if (record.Length > 0)
                    records.Add(record);
                start = i + 1;
            }
        }
        if (start < text.Length && text[start..].Trim().Length > 0)
            records.Add(text[start..].TrimEnd('\r', '\n'));
        if (records.Count < 2 || !records[0].StartsWith("id,", StringComparison.Ordinal))
            throw new InvalidOperationException($"{SamplePath} does not look like the UCDP GED CSV sample (a header line starting with id).");
        return (records[0], records[1..]);
    }
}
