using Microsoft.AspNetCore.Authorization;

namespace Verification.Api.Infrastructure.Security;

/// <summary>Marks the routes a partner key may open: /api/v1/partner/*.</summary>
public sealed class PartnerRouteMetadata;

/// <summary>
/// A partner key opens the partner routes and nothing else. Staff routes already demand staff roles; this holds for any
/// route, including one added later that asks only for "signed in", so a partner key can never widen by accident.
/// </summary>
public sealed class PartnerConfinement : IAuthorizationHandler
{
    public Task HandleAsync(AuthorizationHandlerContext context)
    {
        if (context.User.IsInRole(PartnerAuthentication.PartnerRole) && !IsPartnerRoute(context.Resource))
            context.Fail(new AuthorizationFailureReason(this, "A partner key opens only the /api/v1/partner routes."));
        return Task.CompletedTask;
    }

    private static bool IsPartnerRoute(object? resource) => resource switch
    {
        HttpContext http => http.GetEndpoint()?.Metadata.GetMetadata<PartnerRouteMetadata>() is not null,
        Endpoint endpoint => endpoint.Metadata.GetMetadata<PartnerRouteMetadata>() is not null,
        _ => false,
    };
}
