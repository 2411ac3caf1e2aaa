using Verification.Domain.Claims;

namespace Verification.Domain.Tests;

/// <summary>The domain depends on nothing: no database, no web host, no mediator, no validation library.</summary>
public class ArchitectureTests
{
    private static readonly string[] References =
        [.. typeof(Claim).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? string.Empty)];

    [Theory]
    [InlineData("Microsoft.EntityFrameworkCore")]
    [InlineData("Microsoft.AspNetCore")]
    [InlineData("Mediator")]
    [InlineData("FluentValidation")]
    public void The_domain_references_no_framework_assembly(string prefix) =>
        Assert.DoesNotContain(References, name => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));

    [Fact]
    public void The_domain_references_only_the_runtime()
    {
        // Guards the check above against passing vacuously: the list is read, and holds only platform assemblies.
        Assert.Contains("System.Runtime", References);
        Assert.All(References, name => Assert.True(name.StartsWith("System", StringComparison.Ordinal)
            || name is "netstandard" or "mscorlib", $"The domain references {name}."));
    }
}
