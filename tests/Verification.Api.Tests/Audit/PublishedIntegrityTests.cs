using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Verification.Api.Tests.Infrastructure;
using Verification.Api.Tests.Partners;
using Verification.Persistence;

namespace Verification.Api.Tests.Audit;

/// <summary>
/// What someone outside the instance checks: a signed head, the inclusion of a claim's decision in it, and the
/// consistency of two heads. Verified here with code written from RFC 9162 and API.md (not the product's), and with
/// the shell tools docs/integrity.md shows: openssl for the signature and docs/integrity/verify_proof.py for the proofs.
/// </summary>
public sealed class PublishedIntegrityTests
{
    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task A_partner_proves_a_decision_included_in_a_signed_head_and_two_heads_consistent_with_its_own_code(DatabaseProvider provider)
    {
        await using var world = await PartnerWorld.StartAsync(provider);
        var partner = await world.NewPartnerAsync();
        await world.Investigator.Client.SubmitClaimAsync();
        var older = await TamperEvidenceTests.SignAsync(world);
        var claim = await world.FullyEvidencedAsync();
        var (head, keys, decision, inclusion) = await PublishedAsync(world, partner.Client, claim.Id);

        // The decision is the claim's ConfirmVerdict entry, and its leaf is that entry's chain hash.
        var entry = await EntryAsync(world, decision.GetProperty("auditSequence").GetInt64());
        Assert.Equal("ConfirmVerdict", entry.GetProperty("action").GetString());
        Assert.Equal(claim.Id.ToString(), entry.GetProperty("targetId").GetString());
        Assert.Equal(Leaf(entry.GetProperty("hash").GetString()!), Hex(inclusion.GetProperty("leafHash")));
        Assert.Equal(decision.GetProperty("auditSequence").GetInt64() - 1, inclusion.GetProperty("leafIndex").GetInt64());

        Assert.True(SignatureHolds(head, keys), "the head's signature verifies under a published key");
        Assert.True(Included(Hex(inclusion.GetProperty("leafHash")), inclusion.GetProperty("leafIndex").GetInt64(),
            inclusion.GetProperty("treeSize").GetInt64(), [.. inclusion.GetProperty("auditPath").EnumerateArray().Select(Hex)], Hex(head.GetProperty("rootHash"))));
        Assert.False(Included(Leaf(new string('0', 64)), inclusion.GetProperty("leafIndex").GetInt64(),
            inclusion.GetProperty("treeSize").GetInt64(), [.. inclusion.GetProperty("auditPath").EnumerateArray().Select(Hex)], Hex(head.GetProperty("rootHash"))));

        var (from, to) = (older.GetProperty("treeSize").GetInt64(), head.GetProperty("treeSize").GetInt64());
        var consistency = await (await world.Api.Anonymous.GetAsync($"/api/v1/audit/proofs/consistency?from={from}&to={to}")).Json();
        List<byte[]> proof = [.. consistency.GetProperty("proof").EnumerateArray().Select(Hex)];
        Assert.True(Consistent(from, to, Hex(older.GetProperty("rootHash")), Hex(head.GetProperty("rootHash")), proof));
        Assert.False(Consistent(from, to, Hex(older.GetProperty("rootHash")), SHA256.HashData(Hex(head.GetProperty("rootHash"))), proof));

        // Every head is listed, newest first, to anyone.
        var heads = await (await world.Api.Anonymous.GetAsync("/api/v1/audit/heads?limit=1")).Json();
        Assert.Equal(to, heads.GetProperty("items")[0].GetProperty("treeSize").GetInt64());
        var rest = await (await world.Api.Anonymous.GetAsync($"/api/v1/audit/heads?cursor={heads.GetProperty("nextCursor").GetString()}")).Json();
        Assert.Equal(from, Assert.Single(rest.GetProperty("items").EnumerateArray()).GetProperty("treeSize").GetInt64());
        Assert.True(SignatureHolds(rest.GetProperty("items")[0], keys));
    }

    [Fact]
    public async Task Openssl_and_the_documented_python_script_check_a_real_head_and_its_proofs()
    {
        await using var world = await PartnerWorld.StartAsync(DatabaseProvider.Sqlite);
        var partner = await world.NewPartnerAsync();
        await world.Investigator.Client.SubmitClaimAsync();
        var older = await TamperEvidenceTests.SignAsync(world);
        var claim = await world.FullyEvidencedAsync();
        var (head, keys, decision, inclusion) = await PublishedAsync(world, partner.Client, claim.Id);
        var entryHash = (await EntryAsync(world, decision.GetProperty("auditSequence").GetInt64())).GetProperty("hash").GetString()!;
        var consistency = await world.Api.Anonymous.GetStringAsync(
            $"/api/v1/audit/proofs/consistency?from={older.GetProperty("treeSize").GetInt64()}&to={head.GetProperty("treeSize").GetInt64()}");

        var folder = Directory.CreateTempSubdirectory("verification-proofs-").FullName;
        try
        {
            // As docs/integrity.md shows: the signed text and the signature from the head, the key from /audit/keys.
            var key = keys.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("keyId").GetString() == head.GetProperty("keyId").GetString());
            await File.WriteAllTextAsync(Path.Combine(folder, "key.pem"), key.GetProperty("publicKeyPem").GetString());
            await File.WriteAllBytesAsync(Path.Combine(folder, "sig.der"), Convert.FromBase64String(head.GetProperty("signature").GetString()!));
            await File.WriteAllTextAsync(Path.Combine(folder, "signed.txt"),
                $"verification-tree-head/v1\n{head.GetProperty("treeSize").GetInt64()}\n{head.GetProperty("rootHash").GetString()}\n{head.GetProperty("timestamp").GetString()}");
            await File.WriteAllTextAsync(Path.Combine(folder, "head.json"), head.GetRawText());
            await File.WriteAllTextAsync(Path.Combine(folder, "old-head.json"), older.GetRawText());
            await File.WriteAllTextAsync(Path.Combine(folder, "inclusion.json"), inclusion.GetRawText());
            await File.WriteAllTextAsync(Path.Combine(folder, "consistency.json"), consistency);

            var (code, output) = await RunAsync(folder, "openssl", "dgst", "-sha256", "-verify", "key.pem", "-signature", "sig.der", "signed.txt");
            Assert.True(code == 0 && output.Contains("Verified OK"), output);
            var script = Path.Combine(RepoRoot.Path, "docs", "integrity", "verify_proof.py");
            (code, output) = await RunAsync(folder, "python3", script, "inclusion", "head.json", "inclusion.json", entryHash);
            Assert.True(code == 0 && output.Trim() == "OK", output);
            (code, output) = await RunAsync(folder, "python3", script, "consistency", "old-head.json", "head.json", "consistency.json");
            Assert.True(code == 0 && output.Trim() == "OK", output);

            // A changed root, a changed entry or a changed signed text fail, each with the tool that checks it.
            await File.WriteAllTextAsync(Path.Combine(folder, "forged.json"),
                head.GetRawText().Replace(head.GetProperty("rootHash").GetString()!, new string('1', 64), StringComparison.Ordinal));
            (code, output) = await RunAsync(folder, "python3", script, "inclusion", "forged.json", "inclusion.json");
            Assert.True(code == 1, output);
            (code, output) = await RunAsync(folder, "python3", script, "inclusion", "head.json", "inclusion.json", new string('2', 64));
            Assert.True(code == 1, output);
            (code, output) = await RunAsync(folder, "python3", script, "consistency", "old-head.json", "forged.json", "consistency.json");
            Assert.True(code == 1, output);
            await File.AppendAllTextAsync(Path.Combine(folder, "signed.txt"), "0");
            (code, output) = await RunAsync(folder, "openssl", "dgst", "-sha256", "-verify", "key.pem", "-signature", "sig.der", "signed.txt");
            Assert.True(code != 0, output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_partner_subscribed_to_audit_head_receives_each_signed_head()
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ => Results.Ok());
        await using var world = await PartnerWorld.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["Webhooks:AllowPrivateNetworks"] = "true" });
        var partner = await world.NewPartnerAsync();
        var subscribed = await partner.Client.PostAsJsonAsync("/api/v1/partner/webhooks", new { url = receiver.Url, events = new[] { "audit.head" } });
        await Expect.Status(subscribed, HttpStatusCode.Created);
        var secret = (await subscribed.Json()).GetProperty("secret").GetString()!;
        await world.DecidedAsync(); // a decision: no claim event is subscribed, so nothing is sent for it
        var head = await TamperEvidenceTests.SignAsync(world);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (receiver.Requests.IsEmpty && DateTime.UtcNow < deadline)
        {
            await world.DeliverWebhooksAsync();
            await Task.Delay(100);
        }
        var received = Assert.Single(receiver.Requests);
        Assert.Equal("audit.head", received.Event);
        Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), received.Body)), received.Signature);
        var body = JsonDocument.Parse(received.Body).RootElement;
        Assert.Equal(["event", "head", "id", "occurredAt"], body.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("audit.head", body.GetProperty("event").GetString());
        Assert.Equal(head.GetRawText(), body.GetProperty("head").GetRawText());
    }

    private static async Task<(JsonElement Head, JsonElement Keys, JsonElement Decision, JsonElement Inclusion)> PublishedAsync(
        PartnerWorld world, HttpClient partner, Guid claimId)
    {
        var signed = await TamperEvidenceTests.SignAsync(world);
        var head = await (await world.Api.Anonymous.GetAsync("/api/v1/audit/head")).Json();
        Assert.Equal(signed.GetRawText(), head.GetRawText());
        var keys = await (await world.Api.Anonymous.GetAsync("/api/v1/audit/keys")).Json();
        var claim = await (await partner.GetAsync($"/api/v1/partner/claims/{claimId}")).Json();
        var decision = claim.GetProperty("decision");
        Assert.Equal(claim.GetProperty("verdict").GetProperty("decidedAt").GetDateTime(), decision.GetProperty("decidedAt").GetDateTime());
        var response = await partner.GetAsync(
            $"/api/v1/audit/proofs/inclusion?sequence={decision.GetProperty("auditSequence").GetInt64()}&treeSize={head.GetProperty("treeSize").GetInt64()}");
        await Expect.Status(response, HttpStatusCode.OK);
        return (head, keys, decision, await response.Json());
    }

    private static async Task<JsonElement> EntryAsync(PartnerWorld world, long sequence)
    {
        var cursor = Convert.ToBase64String(Encoding.UTF8.GetBytes((sequence - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var page = await (await world.Coordinator.GetAsync($"/api/v1/audit?limit=1&cursor={cursor}")).Json();
        var entry = page.GetProperty("items")[0];
        Assert.Equal(sequence, entry.GetProperty("sequence").GetInt64());
        return entry;
    }

    private static async Task<(int Code, string Output)> RunAsync(string folder, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await errors);
    }

    // ---- An independent verifier, written from RFC 9162 §2.1 and API.md ----

    private static byte[] Hex(JsonElement value) => Convert.FromHexString(value.GetString()!);

    private static byte[] Node(byte[] left, byte[] right) => SHA256.HashData([0x01, .. left, .. right]);

    private static byte[] Leaf(string chainHashHex) => SHA256.HashData([0x00, .. Convert.FromHexString(chainHashHex)]);

    private static bool SignatureHolds(JsonElement head, JsonElement keys)
    {
        var key = keys.GetProperty("keys").EnumerateArray().FirstOrDefault(k => k.GetProperty("keyId").GetString() == head.GetProperty("keyId").GetString());
        if (key.ValueKind != JsonValueKind.Object || key.GetProperty("algorithm").GetString() != "ES256")
            return false;
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(key.GetProperty("publicKeyPem").GetString());
        var text = $"verification-tree-head/v1\n{head.GetProperty("treeSize").GetInt64()}\n{head.GetProperty("rootHash").GetString()}\n{head.GetProperty("timestamp").GetString()}";
        return ecdsa.VerifyData(Encoding.UTF8.GetBytes(text), Convert.FromBase64String(head.GetProperty("signature").GetString()!),
            HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    /// <summary>RFC 9162 §2.1.3.2.</summary>
    private static bool Included(byte[] leaf, long index, long size, List<byte[]> path, byte[] root)
    {
        if (index >= size)
            return false;
        var (fn, sn, r) = (index, size - 1, leaf);
        foreach (var p in path)
        {
            if (sn == 0)
                return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                r = Node(p, r);
                while ((fn & 1) == 0 && fn != 0)
                    (fn, sn) = (fn >> 1, sn >> 1);
            }
            else
            {
                r = Node(r, p);
            }
            (fn, sn) = (fn >> 1, sn >> 1);
        }
        return sn == 0 && r.SequenceEqual(root);
    }

    /// <summary>RFC 9162 §2.1.4.2, for 0 &lt; first &lt; second.</summary>
    private static bool Consistent(long first, long second, byte[] firstRoot, byte[] secondRoot, List<byte[]> proof)
    {
        if (proof.Count == 0 || first <= 0 || first >= second)
            return false;
        if ((first & (first - 1)) == 0)
            proof = [firstRoot, .. proof];
        var (fn, sn) = (first - 1, second - 1);
        while ((fn & 1) == 1)
            (fn, sn) = (fn >> 1, sn >> 1);
        var (fr, sr) = (proof[0], proof[0]);
        foreach (var c in proof.Skip(1))
        {
            if (sn == 0)
                return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                (fr, sr) = (Node(c, fr), Node(c, sr));
                while ((fn & 1) == 0 && fn != 0)
                    (fn, sn) = (fn >> 1, sn >> 1);
            }
            else
            {
                sr = Node(sr, c);
            }
            (fn, sn) = (fn >> 1, sn >> 1);
        }
        return sn == 0 && fr.SequenceEqual(firstRoot) && sr.SequenceEqual(secondRoot);
    }
}
