using Verification.Persistence;

namespace Verification.Benchmarks.Hosting;

/// <summary>Starts the bare host (this program's <c>bare</c> command) in a process of its own, as any baseline (<see cref="ServerProcess.StartBaselineAsync"/>).</summary>
public static class BareProcess
{
    public static Task<ServerProcess> StartAsync(DatabaseProvider provider, string connectionString, string folder)
    {
        var contentRoot = Directory.CreateDirectory(Path.Combine(folder, "bare-root")).FullName;
        return ServerProcess.StartBaselineAsync("bare",
            ["bare", "--provider", provider.ToString(), "--connection", connectionString, "--content-root", contentRoot],
            folder, "/bare/ready");
    }
}
