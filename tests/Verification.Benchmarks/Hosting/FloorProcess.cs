using Verification.Persistence;

namespace Verification.Benchmarks.Hosting;

/// <summary>Starts the floor host (this program's <c>floor</c> command) in a process of its own, with the API's runtime settings (workstation concurrent GC; thread-pool workers that do not spin while idle): a baseline runs
/// under the same runtime settings as what it is compared with.</summary>
public static class FloorProcess
{
    public static async Task<ServerProcess> StartAsync(DatabaseProvider provider, string connectionString, string folder)
    {
        var environment = new Dictionary<string, string> { ["DOTNET_gcServer"] = "0", ["DOTNET_gcConcurrent"] = "1", ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0", ["ASPNETCORE_ENVIRONMENT"] = "Production" };
        // An empty content root: the floor reads no appsettings.json (the API's is copied next to this program).
        var contentRoot = Directory.CreateDirectory(Path.Combine(folder, "floor-root")).FullName;
        var process = ServerProcess.Start("floor", RepoPaths.BenchmarkAssembly,
            ["floor", "--provider", provider.ToString(), "--connection", connectionString, "--evidence", Path.Combine(folder, "evidence-floor"),
             "--content-root", contentRoot],
            environment, Path.Combine(folder, $"floor-{Guid.NewGuid():N}.log"));
        try
        {
            await process.WaitReadyAsync("/floor/ready");
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
        return process;
    }
}
