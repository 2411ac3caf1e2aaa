using System.Net;
using System.Net.Http.Headers;
using System.Xml.Linq;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Verification.Api.Infrastructure.Keys;
using Verification.Api.Tests.Foundation;
using Verification.Api.Tests.Infrastructure;
using Verification.Api.Tests.Operations;
using Verification.Persistence;

namespace Verification.Api.Tests.Security;

/// <summary>
/// Someone takes the database (a file copy, a dump, a backup made without --include-keys) and the evidence folder,
/// but not the keys folder. With the framework's own Data Protection over the copied key ring they can neither
/// read a witness identity nor mint a bearer token that the running API accepts; a host started on the copy with
/// a keys folder of its own refuses to start. Each refusal is shown against a control: the same steps with the
/// real key-ring key succeed, so the steps are right and the key is what stops them.
/// </summary>
public sealed class StolenDatabaseTests
{
    private const string WitnessName = "Witness of the north gate";

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_copy_of_the_database_without_the_keys_folder_mints_no_accepted_token_and_reads_no_witness(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider);
        var (coordinatorToken, testimony) = await SeedAsync(api);
        var copy = await StolenCopy.TakeAsync(api.Factory, testimony);

        // The copied ring holds no master key in the clear: each is sealed with the key-ring key.
        Assert.NotEmpty(copy.KeyRing);
        Assert.All(copy.KeyRing, xml =>
        {
            Assert.DoesNotContain("masterKey", xml);
            Assert.Contains("encryptedSecret", xml);
            Assert.Equal(KeyElementKind.Sealed, KeyRingXml.Classify(XElement.Parse(xml)));
        });
        Assert.NotNull(copy.ProtectedWitness);
        Assert.DoesNotContain(WitnessName, copy.ProtectedWitness);

        // Control: with the real key-ring key, the copy reads the witness and mints a token the API accepts.
        using var withKey = Thief.Over(copy, new KeyRingKey(new KeysFolder(api.Factory.KeysPath), new ConfigurationBuilder().Build()));
        Assert.Equal(WitnessName, withKey.ReadWitness(copy.ProtectedWitness!)?.Name);
        var ticket = withKey.BearerTokens.Unprotect(coordinatorToken);
        Assert.NotNull(ticket);
        var forgedWithKey = withKey.Mint(ticket!);
        await Expect.Status(await api.Factory.CreateClient().WithBearer(forgedWithKey).GetAsync("/api/v1/users"), HttpStatusCode.OK);

        // Without it (nothing, or a key-ring key of the thief's own), neither works.
        var ownKeys = AuthTests.TempFolder();
        try
        {
            foreach (var key in new KeyRingKey?[] { null, FreshKey(ownKeys) })
            {
                using var thief = Thief.Over(copy, key);
                Assert.Null(thief.BearerTokens.Unprotect(coordinatorToken));
                Assert.ThrowsAny<Exception>(() => thief.ReadWitness(copy.ProtectedWitness!));
                var forged = thief.Mint(ticket!);
                await Expect.Status(await api.Factory.CreateClient().WithBearer(forged).GetAsync("/api/v1/users"), HttpStatusCode.Unauthorized);
            }
        }
        finally
        {
            Directory.Delete(ownKeys, recursive: true);
        }
        // The running API is untouched: the real token still works.
        await Expect.Status(await api.Factory.CreateClient().WithBearer(coordinatorToken).GetAsync("/api/v1/users"), HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_host_started_on_the_copy_with_a_keys_folder_of_its_own_refuses_to_start_and_writes_no_key(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartAsync(provider);
        var (coordinatorToken, testimony) = await SeedAsync(api);
        var copy = await StolenCopy.TakeAsync(api.Factory, testimony);

        var folder = AuthTests.TempFolder();
        try
        {
            var settings = new Dictionary<string, string?>
            {
                ["Database__Provider"] = provider.ToString(),
                ["Evidence__StoragePath"] = Path.Combine(folder, "evidence"),
                ["Keys__Path"] = Path.Combine(folder, "keys"),
                ["ASPNETCORE_URLS"] = ApiProcess.FreeLoopbackUrl(),
            };
            if (provider == DatabaseProvider.Sqlite)
            {
                // The file copy and the evidence folder, as a thief takes them.
                File.Copy(copy.SqliteFile!, Path.Combine(folder, "verification.db"));
                CopyFolder(api.Factory.EvidencePath, Path.Combine(folder, "evidence"));
                settings["ConnectionStrings__Verification"] = $"Data Source={Path.Combine(folder, "verification.db")}";
            }
            else
            {
                // No pg_dump here: the host is pointed at the database itself, which a copy would equal.
                settings["ConnectionStrings__Verification"] = api.Factory.ConnectionString;
            }

            await using var stolen = ApiProcess.Start(folder, settings);
            var code = await stolen.WaitForExitAsync(ApiProcess.StartTimeout);
            Assert.True(code == 1, $"The host on the copy did not refuse to start ({code}):\n{stolen.Output}");
            Assert.Contains("Verification cannot start", stolen.Output);
            Assert.Contains("there is no key-ring key at", stolen.Output);
            Assert.Contains("key-ring.key", stolen.Output);
            Assert.False(File.Exists(Path.Combine(folder, "keys", KeyRingKey.FileName)), "A new key-ring key was created beside a sealed ring.");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }

        // The refusal wrote nothing into the database's key ring, and the running API carries on.
        Assert.Equal(copy.KeyRing.Order(), (await StolenCopy.TakeAsync(api.Factory, testimony)).KeyRing.Order());
        await Expect.Status(await api.Factory.CreateClient().WithBearer(coordinatorToken).GetAsync("/api/v1/users"), HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_key_written_into_the_database_by_someone_with_write_access_is_ignored_and_its_tokens_refused(DatabaseProvider provider)
    {
        var folder = AuthTests.TempFolder();
        var settings = SharedSettings(provider, folder);
        try
        {
            string coordinatorToken;
            Guid testimony;
            AuthenticationTicket ticket;
            string forged;
            await using (var api = await TestApi.StartAsync(provider, settings))
            {
                (coordinatorToken, testimony) = await SeedAsync(api);
                var copy = await StolenCopy.TakeAsync(provider, settings["ConnectionStrings:Verification"]!, testimony);
                using (var withKey = Thief.Over(copy, new KeyRingKey(new KeysFolder(settings["Keys:Path"]!), new ConfigurationBuilder().Build())))
                    ticket = withKey.BearerTokens.Unprotect(coordinatorToken)!;

                // The intruder makes a key of their own, in plain text as the framework writes it without an encryptor,
                // mints a token with it, and writes the key into the live database's ring.
                using var intruder = Thief.Over(new StolenCopy([], null, null), key: null);
                forged = intruder.Mint(ticket);
                var planted = Assert.Single(intruder.Repository.GetAllElements());
                Assert.Equal(KeyElementKind.Plaintext, KeyRingXml.Classify(planted));
                await using (var db = api.Factory.CreateDb())
                {
                    db.DataProtectionKeys.Add(new Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey
                    {
                        FriendlyName = "key-" + (string?)planted.Attribute("id"),
                        Xml = planted.ToString(SaveOptions.DisableFormatting),
                    });
                    await db.SaveChangesAsync();
                }
                await Expect.Status(await api.Factory.CreateClient().WithBearer(forged).GetAsync("/api/v1/users"), HttpStatusCode.Unauthorized);
            }

            // After a restart the planted key is read from the database, ignored (never sealed as an old key would be),
            // and its token stays refused; the real ones still work.
            await using var restarted = await TestApi.StartAsync(provider, settings);
            await Expect.Status(await restarted.Factory.CreateClient().WithBearer(forged).GetAsync("/api/v1/users"), HttpStatusCode.Unauthorized);
            await Expect.Status(await restarted.Factory.CreateClient().WithBearer(coordinatorToken).GetAsync("/api/v1/users"), HttpStatusCode.OK);
            await using var db2 = restarted.Factory.CreateDb();
            Assert.Single(await db2.DataProtectionKeys.Where(k => k.Xml!.Contains("masterKey")).ToListAsync());
            var read = await (await restarted.CoordinatorAsync()).GetAsync($"/api/v1/evidence/{testimony}");
            Assert.Equal(WitnessName, (await read.Json()).GetProperty("testimony").GetProperty("witness").GetProperty("name").GetString());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Database, evidence and keys in a folder of the test's own, so that a second host can be started on the same ones.</summary>
    internal static Dictionary<string, string?> SharedSettings(DatabaseProvider provider, string folder) => new()
    {
        ["ConnectionStrings:Verification"] = provider == DatabaseProvider.Sqlite
            ? $"Data Source={Path.Combine(folder, "verification.db")}"
            : (PostgresCluster.Instance ?? throw new InvalidOperationException(PostgresCluster.WhyUnavailable)).CreateDatabase(),
        ["Evidence:StoragePath"] = Path.Combine(folder, "evidence"),
        ["Keys:Path"] = Path.Combine(folder, "keys"),
    };

    /// <summary>A coordinator's bearer token and a testimony whose witness identity is stored encrypted.</summary>
    internal static async Task<(string CoordinatorToken, Guid Testimony)> SeedAsync(TestApi api)
    {
        var coordinator = await api.CoordinatorAsync();
        var investigator = await api.NewPersonAsync("Investigator");
        var (claim, _) = await investigator.Client.SubmitClaimAsync();
        var testimony = (await investigator.Client.AddTestimonyAsync(claim.GetProperty("id").GetGuid(), "Two drones passed over at 1 a.m.", WitnessName))
            .GetProperty("id").GetGuid();
        return (coordinator.DefaultRequestHeaders.Authorization!.Parameter!, testimony);
    }

    private static KeyRingKey FreshKey(string folder)
    {
        var key = new KeyRingKey(new KeysFolder(Path.Combine(folder, "keys")), new ConfigurationBuilder().Build());
        key.Create();
        return key;
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        if (!Directory.Exists(from))
            return;
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

/// <summary>What a thief reads from a copy of the database: the key ring's rows and one stored witness identity.</summary>
internal sealed record StolenCopy(IReadOnlyList<string> KeyRing, string? ProtectedWitness, string? SqliteFile)
{
    public static Task<StolenCopy> TakeAsync(ApiFactory factory, Guid testimony) => TakeAsync(factory.Provider, factory.ConnectionString, testimony);

    public static async Task<StolenCopy> TakeAsync(DatabaseProvider provider, string live, Guid testimony)
    {
        string? file = null;
        var connectionString = live;
        if (provider == DatabaseProvider.Sqlite)
        {
            // SQLite's online backup: the same bytes `cp` would give once the write-ahead log is in.
            file = Path.Combine(Path.GetTempPath(), $"stolen-{Guid.NewGuid():N}.db");
            using (var from = new SqliteConnection($"{live};Pooling=False"))
            using (var to = new SqliteConnection($"Data Source={file};Pooling=False"))
            {
                from.Open();
                to.Open();
                from.BackupDatabase(to);
            }
            connectionString = $"Data Source={file};Pooling=False";
        }
        var options = new DbContextOptionsBuilder<VerificationDb>().UseVerificationDatabase(provider, connectionString).Options;
        await using var db = new VerificationDb(options);
        var ring = await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml!).ToListAsync();
        var witness = await db.Evidence.AsNoTracking().Where(e => e.Id == testimony).Select(e => e.ProtectedWitness).SingleAsync();
        return new StolenCopy(ring, witness, file);
    }
}

/// <summary>
/// The framework's own Data Protection, configured as the API configures it (application name, purposes, the bearer
/// token scheme), over an in-memory copy of a key ring, with or without a key-ring key. Nothing of the product's
/// code is in the way except the decryptor the stored ring names, which the framework creates by type name.
/// </summary>
internal sealed class Thief : IDisposable
{
    private readonly ServiceProvider _services;

    private Thief(ServiceProvider services, InMemoryRing repository)
    {
        _services = services;
        Repository = repository;
        BearerTokens = services.GetRequiredService<IOptionsMonitor<BearerTokenOptions>>().Get(IdentityConstants.BearerScheme).BearerTokenProtector;
    }

    public InMemoryRing Repository { get; }
    public ISecureDataFormat<AuthenticationTicket> BearerTokens { get; }
    public IDataProtectionProvider Provider => _services.GetRequiredService<IDataProtectionProvider>();

    public static Thief Over(StolenCopy copy, KeyRingKey? key)
    {
        var repository = new InMemoryRing(copy.KeyRing.Select(XElement.Parse));
        var services = new ServiceCollection().AddLogging();
        if (key is not null)
            services.AddSingleton(key);
        services.AddDataProtection().SetApplicationName("Verification");
        services.Configure<KeyManagementOptions>(o =>
        {
            o.XmlRepository = repository;
            if (key is not null)
                o.XmlEncryptor = new KeyRingXmlEncryptor(key);
        });
        services.AddAuthentication().AddBearerToken(IdentityConstants.BearerScheme);
        return new Thief(services.BuildServiceProvider(), repository);
    }

    public Verification.Api.Infrastructure.Security.Witness? ReadWitness(string protectedWitness) =>
        new Verification.Api.Infrastructure.Security.WitnessProtector(_services.GetRequiredService<IDataProtectionProvider>()).Unprotect(protectedWitness);

    /// <summary>A fresh bearer token for the ticket's principal, valid for an hour.</summary>
    public string Mint(AuthenticationTicket ticket)
    {
        var properties = new AuthenticationProperties { IssuedUtc = DateTimeOffset.UtcNow, ExpiresUtc = DateTimeOffset.UtcNow.AddHours(1) };
        return BearerTokens.Protect(new AuthenticationTicket(ticket.Principal, properties, ticket.AuthenticationScheme));
    }

    public void Dispose() => _services.Dispose();
}

internal sealed class InMemoryRing(IEnumerable<XElement> elements) : IXmlRepository
{
    private readonly List<XElement> _elements = [.. elements];

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (_elements)
            return [.. _elements.Select(e => new XElement(e))];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (_elements)
            _elements.Add(new XElement(element));
    }
}

internal static class BearerClients
{
    public static HttpClient WithBearer(this HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
