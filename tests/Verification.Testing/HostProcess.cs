using System.Diagnostics;
using System.Globalization;

namespace Verification.Testing;

/// <summary>What every host started as a process of its own needs: the dotnet host, its readiness, its memory.</summary>
public static class HostProcess
{
    /// <summary>The dotnet executable running us (or the SDK's, or "dotnet" on the path), to start the API with the same runtime.</summary>
    public static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
            return host;
        var self = Environment.ProcessPath;
        return self is not null && System.IO.Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    /// <summary>
    /// Waits until <paramref name="path"/> on <paramref name="baseAddress"/> answers 2xx. A process that exits first, or
    /// a host that is not ready within <paramref name="timeout"/>, is an error that carries <paramref name="describe"/>
    /// (its output so far).
    /// </summary>
    public static async Task WaitReadyAsync(Process process, string name, Uri baseAddress, string path, TimeSpan timeout, Func<string> describe)
    {
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(15) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"{name} exited with {process.ExitCode} before it was ready:\n{describe()}");
            try
            {
                using var response = await client.GetAsync(path);
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{name} was not ready ({path}) within {timeout}:\n{describe()}");
    }

    /// <summary>The process's resident set now (VmRSS) and its peak (VmHWM), from /proc/&lt;pid&gt;/status, in bytes.</summary>
    public static (long Rss, long Peak) Memory(int pid)
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                rss = Kilobytes(line) * 1024;
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                peak = Kilobytes(line) * 1024;
        }
        return (rss, peak);
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(':', 2)[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
}
