using System.Text.RegularExpressions;
using Verification.Api.Tests.Foundation;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;
using Verification.Testing;

namespace Verification.Api.Tests.DailyWork;

/// <summary>
/// docs/daily-work.md's shell blocks, run as written with bash after the README's walk (which sets the variables the
/// page starts from), against the API over Kestrel: the triage morning works as the page says.
/// </summary>
public sealed partial class DailyWorkWalkTests
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task The_triage_morning_runs_as_written(DatabaseProvider provider)
    {
        var readme = ReadmeWalkTests.WalkScript(await File.ReadAllTextAsync(Path.Combine(RepoRoot.Path, "README.md")));
        var page = await File.ReadAllTextAsync(Path.Combine(RepoRoot.Path, "docs", "daily-work.md"));
        var morning = string.Join("\n", ShellBlock().Matches(page).Select(m => m.Groups[1].Value));
        const string password = "a generated coordinator passphrase";
        await using var api = await TestApi.StartOnKestrelAsync(provider, new Dictionary<string, string?>
        {
            ["Bootstrap:CoordinatorEmail"] = "coordinator@localhost",
            ["Bootstrap:CoordinatorPassword"] = password,
        });
        var address = api.Anonymous.BaseAddress!.GetLeftPart(UriPartial.Authority);
        var script = (readme + "\necho '--- the triage morning ---'\n" + morning)
            .Replace("http://127.0.0.1:5000", address, StringComparison.Ordinal)
            .Replace("'the-password-from-the-console'", $"'{password}'", StringComparison.Ordinal)
            + "\nrm -r \"$work\"\n";

        var walk = await CommandLine.RunAsync("bash", ["-e", "-o", "pipefail", "-c", script], RepoRoot.Path, TimeSpan.FromMinutes(4));
        Assert.True(walk.ExitCode == 0, $"The walk stopped with {walk.ExitCode}:\n{walk.Output}");
        var output = walk.Output[walk.Output.IndexOf("--- the triage morning ---", StringComparison.Ordinal)..];
        Assert.Contains("\"Succeeded\"", output);
        Assert.Contains("{\"status\":200,\"claims\":", output);
        Assert.Contains("reviewer1@example.org", output);
        Assert.Matches(@"(?m)^""Assigned\\t", output);
        Assert.Matches(@"(?m)^204$", output);
        Assert.Contains("ef bb bf", output);
    }

    [GeneratedRegex(@"```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();
}
