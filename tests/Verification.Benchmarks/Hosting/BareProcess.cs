using Verification.Persistence;

namespace Verification.Benchmarks.Hosting;

/// <summary>Starts the bare host (this program's <c>bare</c> command) in a process of its own, with the API's runtime settings (workstation concurrent GC; thread-pool workers that do not spin while idle): a baseline runs
/// under the same runtime settings as what it is compared with.</summary>
public static class BareProcess
{
    public static async Task<ServerProcess> StartAsync(DatabaseProvider provider, string connectionString, string folder)
    {
        var environment = new Dictionary<string, string> { ["DOTNET_gcServer"] = "0", ["DOTNET_gcConcurrent"] = "1", ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0", ["ASPNETCORE_ENVIRONMENT"] = "Production" };
        var contentRoot = Directory.CreateDirectory(Path.Combine(folder, "bare-root")).FullName;
        var process = ServerProcess.Start("bare", RepoPaths.BenchmarkAssembly,
            ["bare", "--provider", provider.ToString(), "--connection", connectionString, "--content-root", contentRoot],
            environment, Path.Combine(folder, $"bare-{Guid.NewGuid():N}.log"));
        try
        {
            await process.WaitReadyAsync("/bare/ready");
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
        return process;
    }
}
