using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Security;

/// <summary>
/// There is no self-registration, so the first coordinator comes from configuration, or, on a newcomer's first
/// run with nothing configured, is created with a random password written once to the console.
/// </summary>
public static class BootstrapCoordinator
{
    public const string DefaultEmail = "coordinator@localhost";

    public static async Task EnsureAsync(IServiceProvider services, IConfiguration configuration, ILogger logger, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole<Guid>>>();
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
                Check(await roles.CreateAsync(new IdentityRole<Guid>(role) { Id = Guid.CreateVersion7() }), "create role " + role);
        }

        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        if (await users.Users.AnyAsync(ct))
            return;

        var email = configuration["Bootstrap:CoordinatorEmail"];
        var password = configuration["Bootstrap:CoordinatorPassword"];
        var generated = false;
        if (string.IsNullOrWhiteSpace(email) && string.IsNullOrWhiteSpace(password))
        {
            email = DefaultEmail;
            password = RandomPassphrase();
            generated = true;
        }
        else if (string.IsNullOrWhiteSpace(email) || string.IsNullOrWhiteSpace(password))
        {
            throw new InvalidOperationException(
                "Set both Bootstrap:CoordinatorEmail and Bootstrap:CoordinatorPassword (or neither, for a generated first coordinator).");
        }

        var user = new StaffUser { Id = Guid.CreateVersion7(), UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTime.UtcNow };
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password!);
            if (!result.Succeeded)
                throw new InvalidOperationException(
                    "Bootstrap:CoordinatorPassword does not meet the password policy: " +
                    string.Join(" ", result.Errors.Select(e => e.Description)));
        }
        Check(await users.CreateAsync(user, password!), "create the first coordinator");
        Check(await users.AddToRoleAsync(user, Roles.Coordinator), "make the first user a coordinator");

        if (generated)
        {
            // Written once, to the console only: this is how a newcomer's first run signs in.
            Console.WriteLine();
            Console.WriteLine("================ First run: a coordinator was created ================");
            Console.WriteLine($"  email:    {email}");
            Console.WriteLine($"  password: {password}");
            Console.WriteLine("  Sign in with POST /api/v1/auth/login. This password is not shown again.");
            Console.WriteLine("======================================================================");
            Console.WriteLine();
        }
        logger.LogInformation("Bootstrap coordinator created");
    }

    private static string RandomPassphrase() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException($"Could not {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
    }
}
