using System.Text.RegularExpressions;
using Verification.Api.Tests.Infrastructure;

namespace Verification.Api.Tests.Architecture;

/// <summary>
/// Every file under src/Verification.Api/Features holds the use case it is named after (STYLE.md): a file X.cs declares
/// a top-level type X, and a use case (a top-level type with a nested Handler) lives in a file of its own name, so a
/// newcomer finds any behaviour by its name. An area's Endpoints, Shapes and Setup files map routes, hold the response
/// records and register services, and are named for that.
/// </summary>
public sealed partial class FeatureLayoutTests
{
    private static readonly string[] AreaFileSuffixes = ["Endpoints", "Shapes", "Setup"];

    /// <summary>
    /// Files that hold more than their name says, each with its reason. Keep it short; an entry is a debt, not a rule.
    /// </summary>
    private static readonly Dictionary<string, string> Exceptions = new(StringComparer.Ordinal)
    {
        // Being reworked on other branches (the audit verifier and the partner export becoming one reader/writer with
        // the import format); they are split there.
        ["Audit/AuditQueries.cs"] = "ListAuditEntries, VerifyAuditChain and GetAuditHead: the audit area is being reworked",
        // The import format's vocabulary: the reader interface and the records it reads into, one contract.
        ["Imports/Formats/ImportFormatReader.cs"] = "IImportFormatReader with its rows, problems and registry",
    };

    private static string FeaturesFolder => Path.Combine(RepoRoot.Path, "src", "Verification.Api", "Features");

    private static IEnumerable<string> AllFiles() =>
        Directory.EnumerateFiles(FeaturesFolder, "*.cs", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(FeaturesFolder, file).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    public static TheoryData<string> FeatureFiles() => [.. AllFiles()];

    [Theory]
    [MemberData(nameof(FeatureFiles))]
    public void A_feature_file_declares_the_type_it_is_named_after(string file)
    {
        var name = Path.GetFileNameWithoutExtension(file);
        var declared = TopLevelTypes(Read(file)).Select(t => t.Name).ToList();
        if (AreaFileSuffixes.Any(s => name.EndsWith(s, StringComparison.Ordinal)) || Exceptions.ContainsKey(file))
            return;
        Assert.True(declared.Contains(name), $"{file} declares {string.Join(", ", declared)}, not {name}: name the file after the use case it holds.");
    }

    [Theory]
    [MemberData(nameof(FeatureFiles))]
    public void A_use_case_lives_in_a_file_of_its_own_name(string file)
    {
        var name = Path.GetFileNameWithoutExtension(file);
        var strays = TopLevelTypes(Read(file)).Where(t => t.IsUseCase && t.Name != name).Select(t => t.Name).ToList();
        if (Exceptions.ContainsKey(file))
            return;
        Assert.True(strays.Count == 0, $"{file} also holds the use case(s) {string.Join(", ", strays)}: give each its own file.");
    }

    [Fact]
    public void The_exceptions_name_files_that_exist()
    {
        var files = AllFiles().ToHashSet();
        Assert.All(Exceptions.Keys, f => Assert.Contains(f, files));
    }

    [Fact]
    public void The_scan_finds_use_cases_and_their_names()
    {
        // Guards the scan against passing vacuously: a known use case file is read as one use case of its own name.
        var types = TopLevelTypes(Read("Verdicts/ConfirmVerdict.cs")).ToList();
        Assert.Equal([("ConfirmVerdict", true)], types.Select(t => (t.Name, t.IsUseCase)));
        Assert.Contains(TopLevelTypes(Read("Audit/AuditQueries.cs")), t => t.IsUseCase && t.Name == "VerifyAuditChain");
    }

    private static string Read(string file)
    {
        var text = File.ReadAllText(Path.Combine(FeaturesFolder, file));
        // The scan reads declarations at the start of a line, which holds only with a file-scoped namespace.
        Assert.True(FileScopedNamespace().IsMatch(text), $"{file} has no file-scoped namespace.");
        return text;
    }

    /// <summary>The file's top-level types, and whether each is a use case (declares a nested Handler).</summary>
    private static IEnumerable<(string Name, bool IsUseCase)> TopLevelTypes(string text)
    {
        var declarations = TopLevelDeclaration().Matches(text);
        for (var i = 0; i < declarations.Count; i++)
        {
            var start = declarations[i].Index;
            var end = i + 1 < declarations.Count ? declarations[i + 1].Index : text.Length;
            yield return (declarations[i].Groups["name"].Value, NestedHandler().IsMatch(text[start..end]));
        }
    }

    [GeneratedRegex(@"^namespace [\w.]+;", RegexOptions.Multiline)]
    private static partial Regex FileScopedNamespace();

    [GeneratedRegex(@"^(?:(?:public|internal|file|static|sealed|abstract|partial|readonly)\s+)*(?:class|record struct|record|interface|enum|struct)\s+(?<name>\w+)", RegexOptions.Multiline)]
    private static partial Regex TopLevelDeclaration();

    [GeneratedRegex(@"^\s+(?:(?:public|internal|private|sealed)\s+)*class\s+Handler\b", RegexOptions.Multiline)]
    private static partial Regex NestedHandler();
}
