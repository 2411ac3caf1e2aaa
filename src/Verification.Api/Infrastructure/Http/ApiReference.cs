using Scalar.AspNetCore;

namespace Verification.Api.Infrastructure.Http;

/// <summary>The OpenAPI document (/openapi/v1.json) and the interactive reference (/docs), open to anyone.</summary>
public static class ApiReference
{
    public static WebApplication MapApiReference(this WebApplication app)
    {
        // HEAD answers as GET does (the same status and headers; the server sends no body): the framework maps GET
        // only, and a HEAD fell to the fallback policy (401). The last method metadata is the one routing matches on.
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous()
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));
        app.MapScalarApiReference("/docs", o => o.WithTitle("Verification API").WithOpenApiRoutePattern("/openapi/{documentName}.json"))
            .AllowAnonymous();
        // The reference maps GET only; a HEAD (a link checker, a load balancer's probe) would otherwise fall to the
        // fallback policy and answer 401 for a public page.
        app.MapMethods("/docs/{**page}", [HttpMethods.Head], () => Results.Content(string.Empty, "text/html"))
            .AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
