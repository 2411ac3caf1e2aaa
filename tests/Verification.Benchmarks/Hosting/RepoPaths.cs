namespace Verification.Benchmarks.Hosting;

/// <summary>Where things are: the repository root (the folder with Verification.sln) and the API's build output.</summary>
public static class RepoPaths
{
    public static string Root => RepoRoot.Path;

    /// <summary>The configuration this program was built in; the API it starts comes from the same one.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Replace('\\', '/').Contains("/bin/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";

    /// <summary>The API build to run; VERIFICATION_BENCH_API names another (a copy of an earlier build, for a before/after comparison).</summary>
    public static string ApiAssembly => Environment.GetEnvironmentVariable("VERIFICATION_BENCH_API") is { Length: > 0 } other
        ? Path.GetFullPath(other)
        : Path.Combine(Root, "src", "Verification.Api", "bin", Configuration, "net10.0", "Verification.Api.dll");

    public static string BenchmarkAssembly => typeof(RepoPaths).Assembly.Location;

    public static string Artifacts => Path.Combine(Root, "artifacts");
}
