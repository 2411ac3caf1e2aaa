using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Verification.Api.Infrastructure.Http;

/// <summary>Declares how to authenticate in the OpenAPI document, so the /docs page can send a bearer token or a partner key.</summary>
internal sealed class SecuritySchemesTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Verification API";
        document.Info.Description = "Verification of allegations of civilian harm and abuses: submission, corroboration, verdict. " +
                                    "Staff sign in at /api/v1/auth/login and send 'Authorization: Bearer <accessToken>'. " +
                                    "Partner organisations send their API key as 'X-Api-Key: <key>' or 'Authorization: ApiKey <key>'; it opens /api/v1/partner/* only.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The accessToken from /api/v1/auth/login.",
        };
        document.Components.SecuritySchemes["ApiKey"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "X-Api-Key",
            Description = "A partner organisation's API key (also accepted as 'Authorization: ApiKey <key>'). Opens /api/v1/partner/* only.",
        };
        OpenApiTags.Describe(document, context);
        return Task.CompletedTask;
    }
}
