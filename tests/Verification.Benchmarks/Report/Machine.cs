using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Verification.Benchmarks.Hosting;

namespace Verification.Benchmarks.Report;

/// <summary>The machine a run measured on, as the report states it.</summary>
public sealed record Machine(int Cores, string Cpu, double MemoryGiB, string Os, string Kernel, string DotNet, string Commit, string LoadAtStart)
{
    public static Machine Describe() => new(
        Environment.ProcessorCount,
        FirstValue("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        Math.Round(Kilobytes(FirstValue("/proc/meminfo", "MemTotal")) / 1024.0 / 1024.0, 1),
        (FirstValue("/etc/os-release", "PRETTY_NAME", '=') ?? RuntimeInformation.OSDescription).Trim('"'),
        File.Exists("/proc/sys/kernel/osrelease") ? "Linux " + File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : RuntimeInformation.OSDescription,
        $"{RuntimeInformation.FrameworkDescription} ({RuntimeInformation.RuntimeIdentifier})",
        Git("rev-parse --short HEAD") + (Git("status --porcelain --untracked-files=no").Length > 0 ? " (with uncommitted changes)" : string.Empty),
        LoadAverage());

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string? FirstValue(string file, string key, char separator = ':')
    {
        try
        {
            return File.ReadLines(file).Where(l => l.StartsWith(key, StringComparison.Ordinal))
                .Select(l => l.Split(separator, 2)[1].Trim()).FirstOrDefault();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static double Kilobytes(string? text) =>
        text is null ? 0 : double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);

    private static string Git(string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("git", $"-C \"{RepoPaths.Root}\" {arguments}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit(10_000);
            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
