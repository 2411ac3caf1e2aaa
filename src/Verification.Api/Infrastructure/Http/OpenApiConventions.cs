using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Verification.Api.Infrastructure.Security;

namespace Verification.Api.Infrastructure.Http;

/// <summary>
/// What every operation of /openapi/v1.json says, derived from the endpoint's own metadata so that a new route needs
/// nothing beyond what it declares anyway (its handler, its policy, its typed results):
/// <list type="bullet">
/// <item>operationId: the endpoint's name (<c>.WithName(...)</c>) or else "{Area}_{Handler}", from the endpoints class
/// (<c>ClaimEndpoints</c> → Claim) and the handler method (<c>Submit</c>): <c>Claim_Submit</c>. A lambda handler has no
/// stable name; give it <c>.WithName(...)</c>.</item>
/// <item>security: none for <c>AllowAnonymous</c>; ApiKey when a policy requires the partner role; Bearer otherwise.</item>
/// <item>problems: 400 (a value that cannot be bound, or fails validation) for every operation with parameters or a body,
/// 401 for every secured one, 403 for one whose policy names roles; all as application/problem+json.</item>
/// <item>a success whose body is a file or a stream (an export, evidence bytes) is a binary string.</item>
/// </list>
/// </summary>
internal sealed class OpenApiConventions(IAuthorizationPolicyProvider policies) : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        operation.OperationId ??= OperationId(metadata);

        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var scheme = anonymous ? null : await SchemeOf(metadata);
        operation.Responses ??= new OpenApiResponses();
        if (scheme is not null)
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] }];
            await AddProblemAsync(operation, context, StatusCodes.Status401Unauthorized, "No valid credentials.", cancellationToken);
            if (await NamesRoles(metadata))
                await AddProblemAsync(operation, context, StatusCodes.Status403Forbidden, "The caller's role may not do this.", cancellationToken);
        }
        else
        {
            operation.Security = [];
        }
        if (operation.Parameters is { Count: > 0 } || operation.RequestBody is not null)
            await AddProblemAsync(operation, context, StatusCodes.Status400BadRequest, "A value cannot be read or is invalid; see errors.", cancellationToken);

        foreach (var (status, response) in operation.Responses)
        {
            if (!status.StartsWith('2') || status == "204" || response is not OpenApiResponse success)
                continue;
            if (success.Content is not { Count: > 0 })
            {
                // Declared with .Produces(status, responseType: null, contentTypes): the generator keeps no content for it.
                var formats = context.Description.SupportedResponseTypes
                    .Where(r => r.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) == status)
                    .SelectMany(r => r.ApiResponseFormats.Select(f => f.MediaType))
                    .DefaultIfEmpty("application/octet-stream")
                    .Distinct();
                success.Content = formats.ToDictionary(f => f, _ => new OpenApiMediaType());
            }
            foreach (var media in success.Content.Values)
            {
                // A body documented without a type is a file or a stream (an export, evidence bytes).
                if (media.Schema is null && media is OpenApiMediaType writable)
                    writable.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
            }
        }
    }

    /// <summary>"{Area}_{Handler}": ClaimEndpoints.Submit → Claim_Submit; null for a lambda (it needs .WithName).</summary>
    internal static string? OperationId(IEnumerable<object> metadata)
    {
        var method = metadata.OfType<MethodInfo>().FirstOrDefault();
        if (method?.DeclaringType is null || method.Name.Contains('<', StringComparison.Ordinal) || method.DeclaringType.Name.Contains('<', StringComparison.Ordinal))
            return null;
        var area = method.DeclaringType.Name;
        if (area.EndsWith("Endpoints", StringComparison.Ordinal))
            area = area[..^"Endpoints".Length];
        return $"{area}_{method.Name}";
    }

    private async Task<string> SchemeOf(IEnumerable<object> metadata)
    {
        foreach (var policy in await PoliciesOf(metadata))
        {
            if (policy.AuthenticationSchemes.Contains(PartnerAuthentication.Scheme)
                || policy.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>()
                    .Any(r => r.AllowedRoles.Contains(PartnerAuthentication.PartnerRole)))
                return "ApiKey";
        }
        return "Bearer";
    }

    private async Task<bool> NamesRoles(IEnumerable<object> metadata) =>
        (await PoliciesOf(metadata)).Any(p => p.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>().Any());

    private async Task<List<AuthorizationPolicy>> PoliciesOf(IEnumerable<object> metadata)
    {
        var found = new List<AuthorizationPolicy>();
        foreach (var data in metadata.OfType<IAuthorizeData>())
        {
            var policy = data.Policy is null ? await policies.GetDefaultPolicyAsync() : await policies.GetPolicyAsync(data.Policy);
            if (policy is not null)
                found.Add(policy);
            if (data.Roles is { Length: > 0 } roles && roles.Split(',').Contains(PartnerAuthentication.PartnerRole))
                found.Add(new AuthorizationPolicyBuilder().RequireRole(PartnerAuthentication.PartnerRole).Build());
        }
        found.AddRange(metadata.OfType<AuthorizationPolicy>());
        return found;
    }

    private static async Task AddProblemAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, int status, string description,
        CancellationToken cancellationToken)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses!.ContainsKey(key))
            return;
        var type = status == StatusCodes.Status400BadRequest ? typeof(HttpValidationProblemDetails) : typeof(ProblemDetails);
        operation.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = await context.GetOrCreateSchemaAsync(type, null, cancellationToken) },
            },
        };
    }
}
