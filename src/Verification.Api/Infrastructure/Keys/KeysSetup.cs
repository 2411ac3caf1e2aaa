using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Verification.Api.Infrastructure.Integrity;

namespace Verification.Api.Infrastructure.Keys;

public static class KeysSetup
{
    /// <summary>
    /// The keys folder and the instance signing key. The key ring stays in the database (IdentitySetup), sealed with the key-ring key from the keys folder; only
    /// sealed keys are used. The RFC 3161 client, when <c>Signing:TimestampAuthorityUrl</c> is set.
    /// </summary>
    public static IServiceCollection AddKeysOutsideTheDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<KeysFolder>();
        services.AddSingleton<IInstanceSigner, InstanceSigner>();
        services.AddSingleton<KeyRingKey>();
        services.AddOptions<KeyManagementOptions>().PostConfigure<KeyRingKey, ILoggerFactory>((options, key, logging) =>
        {
            options.XmlEncryptor = new KeyRingXmlEncryptor(key);
            if (options.XmlRepository is { } repository and not SealedKeysOnlyRepository)
                options.XmlRepository = new SealedKeysOnlyRepository(repository, logging.CreateLogger<SealedKeysOnlyRepository>());
        });

        services.AddHttpClient(Rfc3161TimestampAuthority.ClientName, client =>
        {
            client.Timeout = TimeSpan.FromSeconds(configuration.GetValue("Signing:TimestampAuthorityTimeoutSeconds", 10));
            client.DefaultRequestHeaders.UserAgent.ParseAdd("Verification-TSA-client/1");
        });
        services.AddSingleton<ITimestampAuthority, Rfc3161TimestampAuthority>();
        return services;
    }
}
