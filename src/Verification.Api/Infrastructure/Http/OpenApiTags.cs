using Microsoft.OpenApi;

namespace Verification.Api.Infrastructure.Http;

/// <summary>A tag of the OpenAPI document with the sentence that says what its operations are for.</summary>
public sealed record OpenApiTagDescription(string Name, string Description);

public static class OpenApiTags
{
    /// <summary>Tags the routes and describes the tag once, where the area maps its routes.</summary>
    public static TBuilder WithTag<TBuilder>(this TBuilder builder, string name, string description) where TBuilder : IEndpointConventionBuilder =>
        builder.WithTags(name).WithMetadata(new OpenApiTagDescription(name, description));

    /// <summary>The document's tag list: every tag an operation uses, with its description.</summary>
    internal static void Describe(OpenApiDocument document, Microsoft.AspNetCore.OpenApi.OpenApiDocumentTransformerContext context)
    {
        var descriptions = context.DescriptionGroups.SelectMany(g => g.Items)
            .SelectMany(d => d.ActionDescriptor.EndpointMetadata.OfType<OpenApiTagDescription>())
            .GroupBy(t => t.Name)
            .ToDictionary(g => g.Key, g => g.First().Description);
        var used = document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(o => o.Tags ?? new HashSet<OpenApiTagReference>())
            .Select(t => t.Name)
            .OfType<string>()
            .Distinct()
            .Order(StringComparer.Ordinal);
        document.Tags = new HashSet<OpenApiTag>(used.Select(name => new OpenApiTag
        {
            Name = name,
            Description = descriptions.GetValueOrDefault(name),
        }));
    }
}
