using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Security;

public static class Policies
{
    public const string Investigator = nameof(Investigator);
    public const string Reviewer = nameof(Reviewer);
    public const string Coordinator = nameof(Coordinator);
    public const string Staff = nameof(Staff);
    public const string Submitter = nameof(Submitter);
    public const string Triage = nameof(Triage);
    public const string EvidenceIntake = nameof(EvidenceIntake);
    public const string Partner = nameof(Partner);
}

public static class IdentitySetup
{
    public static IServiceCollection AddVerificationIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        // Data Protection keys live in the database: a restart, or a second instance, reads the same tokens and
        // the same encrypted witness identities. Each key is sealed with the key-ring key from the keys folder
        // (Infrastructure/Keys, AddKeysOutsideTheDatabase), so the database alone mints no token and reads no witness.
        services.AddDataProtection()
            .SetApplicationName("Verification")
            .PersistKeysToDbContext<VerificationDb>();

        // The default scheme picks, by path and headers: the dashboard cookie for /jobs, a partner API key when one is
        // presented, the staff bearer token otherwise (DashboardAuthentication → PartnerAuthentication).
        services.AddAuthentication(DashboardAuthentication.Scheme)
            .AddBearerToken(IdentityConstants.BearerScheme, options =>
            {
                options.BearerTokenExpiration = TimeSpan.FromMinutes(configuration.GetValue("Auth:AccessTokenMinutes", 15));
                options.RefreshTokenExpiration = TimeSpan.FromDays(configuration.GetValue("Auth:RefreshTokenDays", 7));
            })
            .AddDashboardCookie()
            .AddPartnerApiKey();

        services.AddIdentityCore<StaffUser>(options =>
            {
                // Length over symbols (NIST SP 800-63B): a long passphrase beats a short password with a digit.
                options.Password.RequiredLength = 12;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 6;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = configuration.GetValue("Auth:MaxFailedAttempts", 5);
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(configuration.GetValue("Auth:LockoutMinutes", 15));
                options.User.RequireUniqueEmail = true;
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<VerificationDb>()
            .AddSignInManager()
            .AddDefaultTokenProviders();

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Investigator, p => p.RequireRole(Roles.Investigator))
            .AddPolicy(Policies.Reviewer, p => p.RequireRole(Roles.Reviewer))
            .AddPolicy(Policies.Coordinator, p => p.RequireRole(Roles.Coordinator))
            .AddPolicy(Policies.Staff, p => p.RequireRole(Roles.Investigator, Roles.Reviewer, Roles.Coordinator))
            .AddPolicy(Policies.Triage, p => p.RequireRole(Roles.Reviewer, Roles.Coordinator))
            .AddPolicy(Policies.EvidenceIntake, p => p.RequireRole(Roles.Investigator, Roles.Reviewer, Roles.Coordinator))
            .AddPolicy(Policies.Partner, p => p.RequireRole(PartnerAuthentication.PartnerRole));

        services.AddHttpContextAccessor();
        services.AddScoped<ActingUser>();
        // Inside a background job the job's actor is the current user; otherwise the HTTP caller is.
        services.AddScoped<ICurrentUser>(sp => sp.GetRequiredService<ActingUser>().Actor is { } actor
            ? new JobUser(actor)
            : new HttpCurrentUser(sp.GetRequiredService<IHttpContextAccessor>()));
        return services;
    }
}
