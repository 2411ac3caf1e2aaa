using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Foundation;

/// <summary>
/// /openapi/v1.json as partners' client generators read it: every operation has a stable operationId, says which
/// credentials it needs, documents its success with a schema and its refusals. Read with Microsoft.OpenApi.
/// </summary>
public sealed partial class OpenApiDocumentTests
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task Every_operation_has_an_operationId_its_security_a_success_schema_and_its_problems(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider);
        var json = await api.Anonymous.GetStringAsync("/openapi/v1.json");
        var read = OpenApiDocument.Parse(json, "json");
        Assert.Empty(read.Diagnostic?.Errors ?? []);
        var document = read.Document!;

        // The anonymous routes, from the host's own endpoints: GET /health/live and the like.
        var anonymous = api.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {PathOf(e.RoutePattern.RawText!)}"))
            .ToHashSet();

        var failures = new List<string>();
        var ids = new HashSet<string>();
        var count = 0;
        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                count++;
                var name = $"{method.Method.ToUpperInvariant()} {path}";
                if (string.IsNullOrEmpty(operation.OperationId))
                    failures.Add($"{name}: no operationId (a lambda handler needs .WithName(...))");
                else if (!ids.Add(operation.OperationId))
                    failures.Add($"{name}: operationId {operation.OperationId} is used twice");

                var secured = operation.Security is { Count: > 0 } && operation.Security.All(r => r.Count > 0);
                if (!secured && !anonymous.Contains(name))
                    failures.Add($"{name}: no security requirement, and the route is not anonymous");
                if (secured && anonymous.Contains(name))
                    failures.Add($"{name}: anonymous, yet it declares a security requirement");

                var responses = operation.Responses ?? new OpenApiResponses();
                var successes = responses.Where(r => r.Key.StartsWith('2')).ToList();
                if (successes.Count == 0)
                    failures.Add($"{name}: no 2xx response");
                foreach (var (status, response) in successes)
                {
                    // 204 No Content has no body by definition; every other success documents its body's schema.
                    if (status == "204")
                        continue;
                    if (response.Content is not { Count: > 0 } || response.Content.Values.Any(c => c.Schema is null))
                        failures.Add($"{name}: {status} documents no schema");
                }
                if (!responses.Keys.Any(k => k.StartsWith('4')))
                    failures.Add($"{name}: no 4xx response");
                foreach (var (status, response) in responses.Where(r => r.Key.StartsWith('4')))
                {
                    if (response.Content?.ContainsKey("application/problem+json") != true)
                        failures.Add($"{name}: {status} is not documented as application/problem+json");
                }
            }
        }
        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            if (string.IsNullOrWhiteSpace(tag.Description))
                failures.Add($"tag {tag.Name}: no description (map the area's group with .WithTag(name, description))");
        }
        Assert.True(count > 30, $"only {count} operations in the document");
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // The two schemes each declared where they belong.
        var login = document.Paths["/api/v1/auth/login"].Operations![HttpMethod.Post];
        Assert.Empty(login.Security ?? []);
        Assert.NotNull(login.Responses!["200"].Content!["application/json"].Schema);
        Assert.Equal("ApiKey", document.Paths["/api/v1/partner/claims"].Operations![HttpMethod.Get].Security!.Single().Keys.Single().Reference.Id);
        Assert.Equal("Bearer", document.Paths["/api/v1/claims"].Operations![HttpMethod.Post].Security!.Single().Keys.Single().Reference.Id);
    }

    /// <summary>A route pattern as the document writes its path: "/api/v1/claims/{id:guid}" → "/api/v1/claims/{id}".</summary>
    private static string PathOf(string pattern) => "/" + Constraint().Replace(pattern.TrimStart('/'), "}").TrimEnd('/');

    [GeneratedRegex(@"(:[^}]+)?\??}")]
    private static partial Regex Constraint();
}
