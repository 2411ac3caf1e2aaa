using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Foundation;

/// <summary>
/// A partner's view of /openapi/v1.json: Kiota (the dotnet tool pinned in .config/dotnet-tools.json) generates a C#
/// client from it, a small console project (Foundation/KiotaClient, Microsoft.Kiota.* 2.1.6) is built around the
/// client, and it signs in, creates an investigator, submits a claim and finds it in the list, against the API over
/// Kestrel on each database. A token response documented as a Stream, or a body without a schema, fails to compile
/// or to run here.
/// </summary>
public sealed class KiotaClientTests
{
    [Fact]
    public async Task A_client_generated_by_Kiota_signs_in_submits_and_lists_claims_on_both_databases()
    {
        var folder = Path.Combine(Path.GetTempPath(), "verification-kiota-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        try
        {
            var clientDll = "";
            foreach (var provider in TestApi.Providers.Select(p => (DatabaseProvider)p[0]))
            {
                await using var api = await TestApi.StartOnKestrelAsync(provider);
                var baseUrl = api.Anonymous.BaseAddress!.GetLeftPart(UriPartial.Authority);
                if (clientDll.Length == 0)
                    clientDll = await BuildClientAsync(folder, await api.Anonymous.GetStringAsync("/openapi/v1.json"));

                var run = await RunAsync("dotnet", [clientDll, baseUrl, ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword], folder);
                Assert.True(run.ExitCode == 0, $"{provider}: the generated client failed ({run.ExitCode}):\n{run.Output}");
                Assert.Contains("Submitted listed VC-", run.Output);
            }
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<string> BuildClientAsync(string folder, string document)
    {
        var documentPath = Path.Combine(folder, "openapi.json");
        await File.WriteAllTextAsync(documentPath, document);
        var project = Path.Combine(folder, "client");
        var template = Path.Combine(RepoRoot.Path, "tests", "Verification.Api.Tests", "Foundation", "KiotaClient");
        Directory.CreateDirectory(project);
        File.Copy(Path.Combine(template, "KiotaWalk.csproj.template"), Path.Combine(project, "KiotaWalk.csproj"));
        File.Copy(Path.Combine(template, "Program.cs"), Path.Combine(project, "Program.cs"));

        // From the repository root, where the tool manifest pins Kiota's version.
        var generate = await RunAsync("dotnet", ["tool", "run", "kiota", "generate", "--language", "CSharp", "--openapi", documentPath,
            "--output", Path.Combine(project, "Generated"), "--namespace-name", "Verification.Client", "--class-name", "VerificationClient",
            "--exclude-backward-compatible", "--log-level", "Warning"], RepoRoot.Path);
        Assert.True(generate.ExitCode == 0, $"kiota generate failed ({generate.ExitCode}):\n{generate.Output}");

        var build = await RunAsync("dotnet", ["build", "-c", "Debug", "-nologo", "-v", "q"], project);
        Assert.True(build.ExitCode == 0, $"the generated client does not compile ({build.ExitCode}):\n{build.Output}");
        return Path.Combine(project, "bin", "Debug", "net10.0", "KiotaWalk.dll");
    }

    private static Task<(int ExitCode, string Output)> RunAsync(string program, string[] arguments, string directory) =>
        CommandLine.RunAsync(program, arguments, directory, TimeSpan.FromMinutes(4));
}
