using System.Diagnostics;
using System.Globalization;

namespace Verification.Benchmarks.Hosting;

/// <summary>
/// A web host in a process of its own (the API, or the floor), listening on a free loopback port, with its console
/// output written straight to a log file by the shell (so the benchmark process spends nothing on it).
/// Its memory is read from /proc: VmRSS now, VmHWM the peak, which can be reset to the current size.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, string name, int port, string logPath)
    {
        _process = process;
        Name = name;
        Port = port;
        LogPath = logPath;
    }

    public string Name { get; }
    public int Port { get; }
    public string LogPath { get; }
    public int Pid => _process.Id;
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static ServerProcess Start(string name, string assembly, IEnumerable<string> arguments, IDictionary<string, string> environment, string logPath)
    {
        var port = LoopbackPort.Free();
        var command = "exec dotnet " + string.Join(' ', new[] { assembly }.Concat(arguments).Select(Quote)) + " > " + Quote(logPath) + " 2>&1";
        // The host's own folder is its working directory and so its content root: the API reads the appsettings.json of its
        // build output there (log levels), as it does in production; from elsewhere it would run with the framework defaults.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(assembly))! };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        // The load driver may run its socket completions inline (Program.cs); a server under test runs with the runtime's defaults.
        start.Environment.Remove(InlineCompletions);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {name}.");
        return new ServerProcess(process, name, port, logPath);
    }

    /// <summary>
    /// Starts a baseline host (this program's <c>floor</c> or <c>bare</c> command) in a process of its own with the API's
    /// runtime settings (its csproj: workstation concurrent GC, thread-pool workers that do not spin while idle, tiering
    /// without the startup wait), so a baseline runs as what it is compared with; returns once <paramref name="readyPath"/> answers.
    /// </summary>
    public static async Task<ServerProcess> StartBaselineAsync(string name, IEnumerable<string> arguments, string folder, string readyPath)
    {
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_gcServer"] = "0",
            ["DOTNET_gcConcurrent"] = "1",
            ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0",
            ["DOTNET_TC_CallCountingDelayMs"] = "0",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        var process = Start(name, RepoPaths.BenchmarkAssembly, arguments, environment, Path.Combine(folder, $"{name}-{Guid.NewGuid():N}.log"));
        try
        {
            await process.WaitReadyAsync(readyPath);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
        return process;
    }

    /// <summary>Waits until <paramref name="path"/> answers 2xx; a host that exits or takes over two minutes is an error.</summary>
    public Task WaitReadyAsync(string path, TimeSpan? timeout = null) =>
        HostProcess.WaitReadyAsync(_process, Name, BaseAddress, path, timeout ?? TimeSpan.FromMinutes(2), () => $"see {LogPath}:\n{Tail()}");

    /// <summary>Resident set size now and its peak since start (or since the last <see cref="ResetPeak"/>), in bytes.</summary>
    public (long Rss, long Peak) Memory() => HostProcess.Memory(Pid);

    /// <summary>Resets VmHWM to the current RSS (Linux: "5" to /proc/PID/clear_refs). False where that is not allowed.</summary>
    public bool ResetPeak()
    {
        try
        {
            File.WriteAllText($"/proc/{Pid}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public string Tail(int lines = 30)
    {
        try
        {
            return string.Join('\n', File.ReadLines(LogPath).TakeLast(lines));
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM first, so the host shuts down as it would in production; SIGKILL if it does not within 15 s.
            using (var term = Process.Start("kill", ["-TERM", Pid.ToString(CultureInfo.InvariantCulture)]))
                await term.WaitForExitAsync();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
