using System.Net;
using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Verification.Api.Tests.Operations;
using Verification.Api.Infrastructure.Keys;
using Verification.Api.Infrastructure.Security;
using Verification.Api.Tests.Foundation;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Security;

/// <summary>The keys folder: owner-only files, the instance signing key, and the key-ring key across restarts, upgrades and mistakes.</summary>
public sealed class KeysTests : IDisposable
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _folder = AuthTests.TempFolder();

    [Fact]
    public async Task Key_files_are_created_owner_only_in_an_owner_only_folder()
    {
        await using var api = await TestApi.StartAsync(DatabaseProvider.Sqlite);
        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(api.Factory.KeysPath));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(Path.Combine(api.Factory.KeysPath, KeyRingKey.FileName)));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(Path.Combine(api.Factory.KeysPath, InstanceSigner.KeyFileName)));
        Assert.Equal(44, (await File.ReadAllTextAsync(Path.Combine(api.Factory.KeysPath, KeyRingKey.FileName))).Trim().Length); // 32 bytes, base64
    }

    [Fact]
    public async Task No_key_material_reaches_a_log_line_at_any_level_or_the_database()
    {
        var capture = new LogCapture();
        using var factory = new ApiFactory(DatabaseProvider.Sqlite);
        using var host = factory.WithWebHostBuilder(b => b.ConfigureLogging(l =>
        {
            l.AddProvider(capture);
            l.AddFilter<LogCapture>(null, LogLevel.Trace);
        }));
        async Task<HttpClient> SignIn(string email, string password)
        {
            var client = host.CreateClient();
            var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
            await Expect.Status(login, HttpStatusCode.OK);
            return client.WithBearer((await login.Json()).GetProperty("accessToken").GetString()!);
        }
        var coordinator = await SignIn(ApiFactory.CoordinatorEmail, ApiFactory.CoordinatorPassword);
        var email = $"investigator-{Guid.NewGuid():N}@test.local";
        await Expect.Status(await coordinator.PostAsJsonAsync("/api/v1/users", new { email, password = TestApi.Password, roles = new[] { "Investigator" } }),
            HttpStatusCode.Created);
        var api = await SignIn(email, TestApi.Password);
        var (claim, _) = await api.SubmitClaimAsync();
        await api.AddTestimonyAsync(claim.GetProperty("id").GetGuid(), "Heard at night.", "Witness never logged");

        var keyRingKey = (await File.ReadAllTextAsync(Path.Combine(factory.KeysPath, KeyRingKey.FileName))).Trim();
        using var signing = ECDsa.Create();
        signing.ImportFromPem(await File.ReadAllTextAsync(Path.Combine(factory.KeysPath, InstanceSigner.KeyFileName)));
        var privateKey = signing.ExportParameters(includePrivateParameters: true).D!;
        string[] secrets = [keyRingKey, Convert.ToHexString(Convert.FromBase64String(keyRingKey)), Convert.ToBase64String(privateKey), Convert.ToHexString(privateKey),
            Convert.ToBase64String(signing.ExportPkcs8PrivateKey())[..40]];
        Assert.NotEmpty(capture.Lines);
        foreach (var line in capture.Lines)
            Assert.All(secrets, secret => Assert.DoesNotContain(secret, line, StringComparison.OrdinalIgnoreCase));

        // The database file, byte for byte (write-ahead log included): neither key, in any of its encodings.
        SqliteConnection.ClearAllPools();
        var stored = new List<byte[]>();
        foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(factory.SqliteFile)!, "verification*"))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            stored.Add(copy.ToArray());
        }
        Assert.NotEmpty(stored);
        var rawKeyRingKey = Convert.FromBase64String(keyRingKey);
        foreach (var bytes in stored)
        {
            Assert.Equal(-1, bytes.AsSpan().IndexOf(rawKeyRingKey));
            Assert.Equal(-1, bytes.AsSpan().IndexOf(privateKey));
            var text = System.Text.Encoding.Latin1.GetString(bytes);
            Assert.All(secrets, secret => Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public void The_instance_signature_verifies_with_the_published_key_and_a_retired_key_is_listed_as_retired()
    {
        var folder = new KeysFolder(Path.Combine(_folder, "keys"));
        using var retired = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Directory.CreateDirectory(folder.PathOf("retired"));
        File.WriteAllText(Path.Combine(folder.PathOf("retired"), "2025-01.pem"), retired.ExportSubjectPublicKeyInfoPem());
        var configuration = new ConfigurationBuilder().Build();

        using var signer = new InstanceSigner(folder, configuration);
        var data = "verification-tree-head/v1\n3\nabc\n2026-01-01T00:00:00Z"u8.ToArray();
        var signature = signer.Sign(data);

        var active = Assert.Single(signer.PublishedKeys, k => !k.Retired);
        Assert.Equal(signer.KeyId, active.KeyId);
        Assert.Equal("ES256", active.Algorithm);
        using var verifier = ECDsa.Create();
        verifier.ImportFromPem(active.PublicKeyPem);
        Assert.True(verifier.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.False(verifier.VerifyData((byte[])[.. data, 0x0a], signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(verifier.ExportSubjectPublicKeyInfo())[..8]), signer.KeyId);

        var old = Assert.Single(signer.PublishedKeys, k => k.Retired);
        Assert.Equal(InstanceSigner.KeyIdOf(retired.ExportSubjectPublicKeyInfo()), old.KeyId);
        Assert.DoesNotContain("PRIVATE", old.PublicKeyPem);
        Assert.DoesNotContain("PRIVATE", active.PublicKeyPem);

        // The key persists: a second start signs with the same key.
        using var again = new InstanceSigner(folder, configuration);
        Assert.Equal(signer.KeyId, again.KeyId);
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(folder.PathOf(InstanceSigner.KeyFileName)));
    }

    [Fact]
    public void A_configured_signing_key_path_that_does_not_exist_stops_the_start_and_no_key_is_invented_there()
    {
        var missing = Path.Combine(_folder, "elsewhere", "signing.pem");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Signing:KeyPath"] = missing }).Build();
        var error = Assert.Throws<InvalidOperationException>(() => new InstanceSigner(new KeysFolder(Path.Combine(_folder, "keys")), configuration));
        Assert.Contains(missing, error.Message);
        Assert.False(File.Exists(missing));
    }

    [Fact]
    public void A_sealed_key_ring_element_opens_only_with_its_key_and_not_once_altered()
    {
        var key = Key("a");
        var element = new XElement("masterKey", new XElement("value", "secret material"));
        var sealedElement = KeyRingXml.Seal(key, element);
        Assert.DoesNotContain("secret material", sealedElement.ToString());
        Assert.Equal(element.ToString(), KeyRingXml.Open(key, sealedElement).ToString());

        Assert.Throws<CryptographicException>(() => KeyRingXml.Open(Key("b"), sealedElement));
        var altered = new XElement(sealedElement);
        var bytes = Convert.FromBase64String(altered.Value);
        bytes[0] ^= 1;
        altered.Value = Convert.ToBase64String(bytes);
        Assert.ThrowsAny<CryptographicException>(() => KeyRingXml.Open(key, altered));
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_restarted_host_on_the_same_keys_folder_keeps_tokens_valid_and_witness_identities_readable(DatabaseProvider provider)
    {
        var settings = StolenDatabaseTests.SharedSettings(provider, _folder);
        string token;
        Guid testimony;
        await using (var first = await TestApi.StartAsync(provider, settings))
            (token, testimony) = await StolenDatabaseTests.SeedAsync(first);

        await using var second = await TestApi.StartAsync(provider, settings);
        var coordinator = second.Factory.CreateClient().WithBearer(token);
        var read = await coordinator.GetAsync($"/api/v1/evidence/{testimony}");
        await Expect.Status(read, HttpStatusCode.OK);
        Assert.Equal("Witness of the north gate", (await read.Json()).GetProperty("testimony").GetProperty("witness").GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_host_given_another_key_ring_key_than_the_one_that_sealed_the_ring_refuses_to_start_naming_both()
    {
        var settings = StolenDatabaseTests.SharedSettings(DatabaseProvider.Sqlite, _folder);
        string sealedWith;
        await using (var first = await TestApi.StartAsync(DatabaseProvider.Sqlite, settings))
        {
            await StolenDatabaseTests.SeedAsync(first);
            sealedWith = new KeyRingKey(new KeysFolder(settings["Keys:Path"]!), new ConfigurationBuilder().Build()).Id;
        }
        File.Delete(Path.Combine(settings["Keys:Path"]!, KeyRingKey.FileName));
        var other = new KeyRingKey(new KeysFolder(settings["Keys:Path"]!), new ConfigurationBuilder().Build());
        other.Create();

        await using var api = ApiProcess.Start(_folder, new Dictionary<string, string?>
        {
            ["ConnectionStrings__Verification"] = settings["ConnectionStrings:Verification"],
            ["Evidence__StoragePath"] = settings["Evidence:StoragePath"],
            ["Keys__Path"] = settings["Keys:Path"],
            ["ASPNETCORE_URLS"] = ApiProcess.FreeLoopbackUrl(),
        });
        var code = await api.WaitForExitAsync(ApiProcess.StartTimeout);
        Assert.True(code == 1, $"The host did not refuse to start ({code}):\n{api.Output}");
        Assert.Contains($"(id {other.Id}) does not open", api.Output);
        Assert.Contains($"sealed with {sealedWith}", api.Output);
    }

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_key_ring_stored_in_plain_text_by_an_earlier_version_is_sealed_at_start_and_what_it_protected_stays_readable(DatabaseProvider provider)
    {
        var settings = StolenDatabaseTests.SharedSettings(provider, _folder);
        Guid testimony;
        await using (var first = await TestApi.StartAsync(provider, settings))
            (_, testimony) = await StolenDatabaseTests.SeedAsync(first);

        // What an earlier version left: a ring in plain text (the framework without an encryptor), a witness
        // protected with it, and no key-ring key.
        using (var earlier = Thief.Over(new StolenCopy([], null, null), key: null))
        {
            var witness = new WitnessProtector(earlier.Provider).Protect(new Witness("Witness from before the upgrade", null));
            var legacy = Assert.Single(earlier.Repository.GetAllElements());
            Assert.Contains("masterKey", legacy.ToString());
            await using var db = Open(provider, settings);
            db.DataProtectionKeys.RemoveRange(await db.DataProtectionKeys.ToListAsync());
            db.DataProtectionKeys.Add(new Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey
            {
                FriendlyName = "key-" + (string?)legacy.Attribute("id"),
                Xml = legacy.ToString(SaveOptions.DisableFormatting),
            });
            await db.SaveChangesAsync();
            Assert.Equal(1, await db.Evidence.Where(e => e.Id == testimony)
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.ProtectedWitness, witness)));
        }
        File.Delete(Path.Combine(settings["Keys:Path"]!, KeyRingKey.FileName));

        await using var upgraded = await TestApi.StartAsync(provider, settings);
        var read = await (await upgraded.CoordinatorAsync()).GetAsync($"/api/v1/evidence/{testimony}");
        await Expect.Status(read, HttpStatusCode.OK);
        Assert.Equal("Witness from before the upgrade", (await read.Json()).GetProperty("testimony").GetProperty("witness").GetProperty("name").GetString());
        Assert.True(File.Exists(Path.Combine(settings["Keys:Path"]!, KeyRingKey.FileName)));
        await using var after = Open(provider, settings);
        var ring = await after.DataProtectionKeys.Select(k => k.Xml!).ToListAsync();
        Assert.Equal(2, ring.Count); // the old key, now sealed, and a new default key
        Assert.All(ring, xml => Assert.Equal(KeyElementKind.Sealed, KeyRingXml.Classify(XElement.Parse(xml))));
    }

    private static VerificationDb Open(DatabaseProvider provider, IDictionary<string, string?> settings) =>
        new(new DbContextOptionsBuilder<VerificationDb>().UseVerificationDatabase(provider, settings["ConnectionStrings:Verification"]!).Options);

    private KeyRingKey Key(string name)
    {
        var key = new KeyRingKey(new KeysFolder(Path.Combine(_folder, name)), new ConfigurationBuilder().Build());
        key.Create();
        return key;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
