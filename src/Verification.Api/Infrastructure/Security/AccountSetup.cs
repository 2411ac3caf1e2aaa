using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Security;

public static class AccountSetup
{
    /// <summary>Token issuing with mustChangePassword, and the user store that keeps two-factor secrets out of a database copy.</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddSingleton<BearerTokens>();
        // The account checks' short cache and the decrypted access tokens, both dropped when an account changes.
        services.AddCachedBearerTokens();
        services.Replace(ServiceDescriptor.Scoped<IUserStore<StaffUser>, VerificationUserStore>());
        return services;
    }

    /// <summary>Between authentication and authorization: tokens are held against the account as it is now.</summary>
    public static IApplicationBuilder UseAccountChecks(this IApplicationBuilder app) => app.UseMiddleware<AccountChecks>();
}
