using Verification.Persistence;

namespace Verification.Benchmarks.Hosting;

/// <summary>Starts the floor host (this program's <c>floor</c> command) in a process of its own, as any baseline (<see cref="ServerProcess.StartBaselineAsync"/>).</summary>
public static class FloorProcess
{
    public static Task<ServerProcess> StartAsync(DatabaseProvider provider, string connectionString, string folder)
    {
        // An empty content root: the floor reads no appsettings.json (the API's is copied next to this program).
        var contentRoot = Directory.CreateDirectory(Path.Combine(folder, "floor-root")).FullName;
        return ServerProcess.StartBaselineAsync("floor",
            ["floor", "--provider", provider.ToString(), "--connection", connectionString, "--evidence", Path.Combine(folder, "evidence-floor"),
             "--content-root", contentRoot],
            folder, "/floor/ready");
    }
}
