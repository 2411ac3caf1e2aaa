using System.Text.RegularExpressions;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Foundation;

/// <summary>
/// README's five-minute walk, as a newcomer runs it: its shell blocks, taken from README.md as written, run with bash
/// from the repository root against the API over Kestrel. Only two things a newcomer fills in themselves are replaced:
/// the address (a free port here, 127.0.0.1:5000 there) and the coordinator's password the first run printed.
/// </summary>
public sealed partial class ReadmeWalkTests
{
    private const string WalkHeading = "## A five-minute walk";

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task The_README_walk_runs_as_written_and_leaves_the_repository_as_it_found_it(DatabaseProvider provider)
    {
        var script = WalkScript(await File.ReadAllTextAsync(Path.Combine(RepoRoot.Path, "README.md")));

        // Every file the walk uploads is in the repository, so a fresh clone has it.
        var uploads = UploadedFile().Matches(script).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(uploads);
        foreach (var upload in uploads)
            Assert.Equal(0, (await RunAsync("git", ["ls-files", "--error-unmatch", upload], RepoRoot.Path)).ExitCode);

        const string password = "a generated coordinator passphrase";
        await using var api = await TestApi.StartOnKestrelAsync(provider, new Dictionary<string, string?>
        {
            ["Bootstrap:CoordinatorEmail"] = "coordinator@localhost",
            ["Bootstrap:CoordinatorPassword"] = password,
        });
        var address = api.Anonymous.BaseAddress!.GetLeftPart(UriPartial.Authority);
        Assert.Contains("http://127.0.0.1:5000", script);
        Assert.Contains("'the-password-from-the-console'", script);
        script = script.Replace("http://127.0.0.1:5000", address, StringComparison.Ordinal)
            .Replace("'the-password-from-the-console'", $"'{password}'", StringComparison.Ordinal);

        var before = (await RunAsync("git", ["status", "--porcelain", "--untracked-files=all"], RepoRoot.Path)).Output;
        var walk = await RunAsync("bash", ["-e", "-o", "pipefail", "-c", script], RepoRoot.Path);
        Assert.True(walk.ExitCode == 0, $"The walk stopped with {walk.ExitCode}:\n{walk.Output}");
        var after = (await RunAsync("git", ["status", "--porcelain", "--untracked-files=all"], RepoRoot.Path)).Output;

        // What the README's comments promise each step prints.
        Assert.Contains("428", walk.Output);
        Assert.Contains("\"InCorroboration\"", walk.Output);
        Assert.Contains("\"Decided\"", walk.Output);
        Assert.Contains("\"Fair\"", walk.Output);
        Assert.Contains("\"valid\": true", walk.Output);
        // Step 12: the head's signature checked with openssl, the decision's inclusion proof with the Python script.
        Assert.Contains("Verified OK", walk.Output);
        Assert.Matches(@"(?m)^OK\b", walk.Output);
        Assert.Equal(before, after);
    }

    /// <summary>The shell blocks of the walk's section, in order, as one script.</summary>
    internal static string WalkScript(string readme)
    {
        var start = readme.IndexOf(WalkHeading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no section '{WalkHeading}'.");
        var end = readme.IndexOf("\n## ", start + WalkHeading.Length, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];
        var blocks = ShellBlock().Matches(section).Select(m => m.Groups[1].Value).ToList();
        Assert.True(blocks.Count >= 10, $"The walk has {blocks.Count} shell blocks.");
        return string.Join("\n", blocks);
    }

    private static Task<(int ExitCode, string Output)> RunAsync(string program, string[] arguments, string directory) =>
        CommandLine.RunAsync(program, arguments, directory, TimeSpan.FromMinutes(3));

    [GeneratedRegex(@"```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    [GeneratedRegex(@"file=@([^\s'""]+)")]
    private static partial Regex UploadedFile();
}
