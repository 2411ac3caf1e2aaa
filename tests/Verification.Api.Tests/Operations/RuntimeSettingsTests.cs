using System.Text.Json;

namespace Verification.Api.Tests.Operations;

/// <summary>
/// The garbage collector the API ships with: workstation, concurrent (Verification.Api.csproj). On the small hosts
/// it runs on, beside its database, server GC's pauses grew with CPU contention and made the tail at 70% of peak
/// (docs/performance-changes.md, "Fourth round"); this keeps the web SDK's default from coming back unnoticed.
/// </summary>
public sealed class RuntimeSettingsTests
{
    [Fact]
    public void The_api_is_built_for_workstation_concurrent_garbage_collection()
    {
        var configuration = AppContext.BaseDirectory.Replace('\\', '/').Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var file = Path.Combine(RepoRoot.Path, "src", "Verification.Api", "bin", configuration, "net10.0", "Verification.Api.runtimeconfig.json");
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        var properties = json.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.True(properties.GetProperty("System.GC.Concurrent").GetBoolean());
    }
}
