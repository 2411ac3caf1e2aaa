namespace Verification.Api.Tests.Infrastructure;

/// <summary>The repository's root: the folder above the test binaries that holds Verification.sln.</summary>
public static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Verification.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException($"No folder above {AppContext.BaseDirectory} holds Verification.sln.");
    }
}
