using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Verification.Api.Infrastructure.Integrity;
using Verification.Api.Infrastructure.Keys;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Integrity;

/// <summary>RFC 3161 trusted time against a timestamp authority of our own on loopback that signs real tokens, and lies on request.</summary>
public sealed class TimestampAuthorityTests
{
    [Fact]
    public async Task The_host_registers_an_authority_that_is_configured_only_when_its_URL_is_set()
    {
        await using var tsa = await LoopbackTimestampAuthority.StartAsync();
        await using (var without = await TestApi.StartAsync(DatabaseProvider.Sqlite))
            Assert.False(without.Factory.Services.GetRequiredService<ITimestampAuthority>().IsConfigured);

        await using var with = await TestApi.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Signing:TimestampAuthorityUrl"] = tsa.Url.ToString(),
        });
        var authority = with.Factory.Services.GetRequiredService<ITimestampAuthority>();
        Assert.True(authority.IsConfigured);
        var digest = SHA256.HashData("a signed tree head's signature"u8);
        var token = await authority.TimestampAsync(digest, CancellationToken.None);
        AssertVerifies(token, digest, tsa);
    }

    [Fact]
    public async Task A_token_comes_back_for_the_digest_and_verifies_with_the_authoritys_certificate()
    {
        await using var tsa = await LoopbackTimestampAuthority.StartAsync();
        var authority = Client(tsa.Url);
        var digest = SHA256.HashData("verification-tree-head/v1\n12\n…"u8);
        var before = DateTimeOffset.UtcNow.AddSeconds(-2);

        var token = await authority.TimestampAsync(digest, CancellationToken.None);

        var info = AssertVerifies(token, digest, tsa);
        Assert.InRange(info.Timestamp, before, DateTimeOffset.UtcNow.AddSeconds(2));
        Assert.Equal(LoopbackTimestampAuthority.PolicyOid, info.PolicyId.Value);
        Assert.NotNull(info.GetNonce());
        // A token is bound to its digest: it does not verify for another one.
        Assert.True(Rfc3161TimestampToken.TryDecode(token, out var decoded, out _));
        Assert.False(decoded!.VerifySignatureForHash(SHA256.HashData("another head"u8), HashAlgorithmName.SHA256, out _, null));
    }

    [Theory]
    // The framework already checks the signature while matching the response to the request; either refusal is a pass.
    [InlineData(LoopbackTimestampAuthority.Mode.BrokenSignature, "does not (verify|answer this request)")]
    [InlineData(LoopbackTimestampAuthority.Mode.WrongDigest, "does not answer this request")]
    [InlineData(LoopbackTimestampAuthority.Mode.WrongNonce, "does not answer this request")]
    [InlineData(LoopbackTimestampAuthority.Mode.Rejection, "does not answer this request")]
    public async Task A_tampered_or_refused_response_is_not_accepted(LoopbackTimestampAuthority.Mode mode, string reason)
    {
        await using var tsa = await LoopbackTimestampAuthority.StartAsync();
        tsa.Behaviour = mode;
        var error = await Assert.ThrowsAsync<TimestampAuthorityException>(() =>
            Client(tsa.Url).TimestampAsync(SHA256.HashData("head"u8), CancellationToken.None));
        Assert.Matches(reason, error.Message);
        Assert.Equal(1, tsa.Requests);
    }

    [Fact]
    public async Task A_token_signed_by_another_authority_than_the_pinned_certificate_is_refused()
    {
        await using var tsa = await LoopbackTimestampAuthority.StartAsync();
        await using var other = await LoopbackTimestampAuthority.StartAsync();
        var pinned = Path.Combine(Path.GetTempPath(), $"tsa-{Guid.NewGuid():N}.cer");
        await File.WriteAllBytesAsync(pinned, other.Certificate.RawData);
        try
        {
            var error = await Assert.ThrowsAsync<TimestampAuthorityException>(() =>
                Client(tsa.Url, pinned).TimestampAsync(SHA256.HashData("head"u8), CancellationToken.None));
            Assert.Contains("not by the configured authority certificate", error.Message);
            // The right pin passes.
            await File.WriteAllBytesAsync(pinned, tsa.Certificate.RawData);
            var digest = SHA256.HashData("head"u8);
            AssertVerifies(await Client(tsa.Url, pinned).TimestampAsync(digest, CancellationToken.None), digest, tsa);
        }
        finally
        {
            File.Delete(pinned);
        }
    }

    [Fact]
    public async Task An_authority_that_is_down_or_too_slow_fails_with_a_clear_error_within_the_timeout()
    {
        var down = Client(new Uri(ApiProcess.FreeLoopbackUrl() + "/tsa"));
        var error = await Assert.ThrowsAsync<TimestampAuthorityException>(() => down.TimestampAsync(SHA256.HashData("head"u8), CancellationToken.None));
        Assert.Contains("could not be reached", error.Message);

        await using var tsa = await LoopbackTimestampAuthority.StartAsync();
        tsa.Behaviour = LoopbackTimestampAuthority.Mode.Slow;
        var started = DateTime.UtcNow;
        error = await Assert.ThrowsAsync<TimestampAuthorityException>(() => Client(tsa.Url, timeoutSeconds: 1).TimestampAsync(SHA256.HashData("head"u8), CancellationToken.None));
        Assert.Contains("did not answer in time", error.Message);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(4));
    }

    /// <summary>The client as the host builds it, outside a host.</summary>
    private static Rfc3161TimestampAuthority Client(Uri url, string? pinnedCertificate = null, int timeoutSeconds = 30)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Signing:TimestampAuthorityUrl"] = url.ToString(),
            ["Signing:TimestampAuthorityTimeoutSeconds"] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Signing:TimestampAuthorityCertificatePath"] = pinnedCertificate,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddKeysOutsideTheDatabase(configuration);
        return (Rfc3161TimestampAuthority)services.BuildServiceProvider().GetRequiredService<ITimestampAuthority>();
    }

    /// <summary>Checked with the framework's RFC 3161 reader alone, as a partner would: decode, verify, compare the imprint.</summary>
    private static Rfc3161TimestampTokenInfo AssertVerifies(byte[] token, byte[] digest, LoopbackTimestampAuthority tsa)
    {
        Assert.True(Rfc3161TimestampToken.TryDecode(token, out var decoded, out var consumed));
        Assert.Equal(token.Length, consumed);
        Assert.True(decoded!.VerifySignatureForHash(digest, HashAlgorithmName.SHA256, out var signer, null));
        Assert.Equal(tsa.Certificate.Thumbprint, signer!.Thumbprint);
        Assert.Equal(digest, decoded.TokenInfo.GetMessageHash().ToArray());
        return decoded.TokenInfo;
    }
}
