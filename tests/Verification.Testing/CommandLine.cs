using System.Diagnostics;
using System.Text;

namespace Verification.Testing;

/// <summary>Runs a program to its end, as a person would from a shell, and answers its exit code and everything it printed.</summary>
public static class CommandLine
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string program, IEnumerable<string> arguments, string directory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        // The test host's own MSBuild and test-platform settings would point a nested dotnet at this test run's state.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                                                              || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            info.Environment.Remove(key);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, new StringBuilder().Append(await stdout).Append(await stderr).ToString());
    }
}
