using System.Text.Json;

namespace Verification.Api.Tests.Operations;

/// <summary>
/// The runtime settings the API ships with (Verification.Api.csproj), which keep the web SDK's and the runtime's
/// defaults from coming back unnoticed. On the small hosts it runs on, beside its database: server GC's pauses grew
/// with CPU contention and made the tail at 70% of peak (docs/performance-changes.md, "Fourth round"); the thread
/// pool's idle workers spinning took the cores PostgreSQL needed ("Fifth round").
/// </summary>
public sealed class RuntimeSettingsTests
{
    [Fact]
    public void The_api_is_built_for_workstation_concurrent_garbage_collection()
    {
        using var json = RuntimeConfig();
        var properties = json.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.True(properties.GetProperty("System.GC.Concurrent").GetBoolean());
    }

    [Fact]
    public void The_api_thread_pool_workers_do_not_spin_while_idle()
    {
        using var json = RuntimeConfig();
        var properties = json.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.TryGetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", out var spinLimit), "the spin limit is not in the API's runtimeconfig.json");
        // MSBuild writes the item's value as a string or a number, depending on the SDK; the runtime parses either.
        var value = spinLimit.ValueKind == JsonValueKind.Number ? spinLimit.GetInt32() : int.Parse(spinLimit.GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, value);
    }

    private static JsonDocument RuntimeConfig()
    {
        var configuration = AppContext.BaseDirectory.Replace('\\', '/').Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var file = Path.Combine(RepoRoot.Path, "src", "Verification.Api", "bin", configuration, "net10.0", "Verification.Api.runtimeconfig.json");
        return JsonDocument.Parse(File.ReadAllText(file));
    }
}
