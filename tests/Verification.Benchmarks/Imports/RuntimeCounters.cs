using System.Globalization;

namespace Verification.Benchmarks.Imports;

/// <summary>
/// The API's runtime counters as its /metrics shows them (the System.Runtime meter): garbage collections and the time
/// they paused the process, bytes allocated, methods the JIT compiled and its time. A GC pause stops every thread,
/// the batch's included, and the JIT's work shares the machine's cores with the import; read before and after an
/// import, they say how much of the import's time went there. Empty when /metrics does not answer.
/// </summary>
internal sealed record RuntimeCounters(double GcPauseSeconds, long Gen0, long Gen1, long Gen2, double AllocatedBytes,
    long JitMethods, double JitSeconds)
{
    public static async Task<RuntimeCounters?> ReadAsync(HttpClient client)
    {
        try
        {
            using var response = await client.GetAsync("/metrics");
            if (!response.IsSuccessStatusCode)
                return null;
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var line in (await response.Content.ReadAsStringAsync()).Split('\n'))
            {
                if (!line.StartsWith("dotnet_", StringComparison.Ordinal))
                    continue;
                var space = line.LastIndexOf(' ');
                var brace = line.IndexOf('{', StringComparison.Ordinal);
                var name = line[..(brace > 0 ? brace : space)];
                var generation = line.Contains("gc_heap_generation=\"", StringComparison.Ordinal)
                    ? line[(line.IndexOf("gc_heap_generation=\"", StringComparison.Ordinal) + 20)..].Split('"')[0]
                    : null;
                values[generation is null ? name : name + "/" + generation] =
                    double.Parse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
            }
            double Value(string key) => values.GetValueOrDefault(key);
            return new RuntimeCounters(Value("dotnet_gc_pause_time_seconds_total"),
                (long)Value("dotnet_gc_collections_total/gen0"), (long)Value("dotnet_gc_collections_total/gen1"),
                (long)Value("dotnet_gc_collections_total/gen2"), Value("dotnet_gc_heap_total_allocated_bytes_total"),
                (long)Value("dotnet_jit_compiled_methods_total"), Value("dotnet_jit_compilation_time_seconds_total"));
        }
        catch (Exception e) when (e is HttpRequestException or FormatException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>What happened between <paramref name="before"/> and <paramref name="after"/>, per row where it scales with rows.</summary>
    public static string Describe(RuntimeCounters? before, RuntimeCounters? after, int rows)
    {
        if (before is null || after is null)
            return string.Empty;
        return FormattableString.Invariant(
            $"; GC paused {after.GcPauseSeconds - before.GcPauseSeconds:N2} s ({after.Gen0 - before.Gen0:N0} gen0, {after.Gen1 - before.Gen1:N0} gen1, {after.Gen2 - before.Gen2:N0} gen2 collections), ")
            + FormattableString.Invariant(
            $"{(after.AllocatedBytes - before.AllocatedBytes) / 1024 / rows:N1} KiB allocated per row; the JIT compiled {after.JitMethods - before.JitMethods:N0} methods in {after.JitSeconds - before.JitSeconds:N2} s");
    }
}
