using System.Diagnostics;
using System.Text;

namespace Verification.Api.Tests.Infrastructure;

/// <summary>
/// The built API as a real operating-system process (<c>dotnet exec Verification.Api.dll</c>, copied next to the
/// test assembly), started from a working directory of the test's choosing with the environment an operator would
/// set. For what only a real process shows: start-up failures, Kestrel's headers, a crash, memory use.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();

    private ApiProcess(Process process, Uri? baseAddress)
    {
        Process = process;
        BaseAddress = baseAddress;
    }

    /// <summary>
    /// How long a start may take before a test gives up. Generous on purpose: on a busy two-core machine running the
    /// whole suite a start has taken most of a minute. Waiting returns as soon as the API is ready.
    /// </summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    public static string ApiDll => Path.Combine(AppContext.BaseDirectory, "Verification.Api.dll");

    public Process Process { get; }

    /// <summary>Where the API listens, when it was started on a port of our choosing.</summary>
    public Uri? BaseAddress { get; }

    /// <summary>Standard output and standard error so far, interleaved as they arrived.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
                return _output.ToString();
        }
    }

    /// <summary>
    /// Starts the API. Settings that the test host's own environment might carry (ASPNETCORE_*, Bootstrap__ …) are
    /// removed first, so the process sees only what <paramref name="environment"/> says.
    /// </summary>
    public static ApiProcess Start(string workingDirectory, IDictionary<string, string?> environment)
    {
        var info = new ProcessStartInfo(HostProcess.DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(ApiDll);
        foreach (var key in info.Environment.Keys.ToList())
        {
            if (key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || key.Contains("__", StringComparison.Ordinal))
                info.Environment.Remove(key);
        }
        info.Environment["DOTNET_NOLOGO"] = "1";
        // The keys folder of its own, in the (temporary) working directory unless the test names one: the default
        // would be relative to the content root, and no key may ever be written inside the repository.
        info.Environment["Keys__Path"] = Path.Combine(Path.GetFullPath(workingDirectory), "keys");
        foreach (var (key, value) in environment)
            info.Environment[key] = value;

        var urls = environment.TryGetValue("ASPNETCORE_URLS", out var u) ? u : null;
        Uri? baseAddress = urls is not null && !urls.EndsWith(":0", StringComparison.Ordinal) ? new Uri(urls) : null;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var api = new ApiProcess(process, baseAddress);
        process.OutputDataReceived += (_, e) => api.Append(e.Data);
        process.ErrorDataReceived += (_, e) => api.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return api;
    }

    /// <summary>A loopback URL on a port that was free a moment ago.</summary>
    public static string FreeLoopbackUrl() => $"http://127.0.0.1:{LoopbackPort.Free()}";

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(5) };

    /// <summary>Starts the API and waits until it is ready; a process that never gets there is stopped before the failure is reported.</summary>
    public static async Task<ApiProcess> StartReadyAsync(string workingDirectory, IDictionary<string, string?> environment)
    {
        var api = Start(workingDirectory, environment);
        try
        {
            await api.WaitUntilReadyAsync(StartTimeout);
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
        return api;
    }

    /// <summary>Waits until /health/ready answers; fails with the process's output if it exits or takes too long.</summary>
    public Task WaitUntilReadyAsync(TimeSpan timeout) =>
        HostProcess.WaitReadyAsync(Process, "The API", BaseAddress!, "/health/ready", timeout, () => Output);

    /// <summary>Waits for the process to end on its own; null when it is still running after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await Process.WaitForExitAsync(cts.Token);
            return Process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, exactly what a power cut or the OOM killer does.</summary>
    public async Task KillAsync()
    {
        if (!Process.HasExited)
            Process.Kill(entireProcessTree: false);
        await Process.WaitForExitAsync();
    }

    /// <summary>The process's peak resident set (VmHWM in /proc/&lt;pid&gt;/status), in bytes.</summary>
    public long PeakResidentBytes() => HostProcess.Memory(Process.Id).Peak;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
        }
        Process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_gate)
            _output.AppendLine(line);
    }
}
