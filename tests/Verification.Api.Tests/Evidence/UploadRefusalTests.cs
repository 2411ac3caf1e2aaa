using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Verification.Api.Tests.Infrastructure;
using Verification.Persistence;

namespace Verification.Api.Tests.Evidence;

/// <summary>
/// A caller who may not add evidence to a claim is answered before the upload is read: nothing of the file reaches the
/// evidence folder (not even its temporary area), and the server does not wait for the rest of the body. Over real
/// Kestrel and a raw socket, so the client can stop sending halfway and still see the answer.
/// </summary>
public sealed class UploadRefusalTests
{
    private const long AnnouncedBytes = 512L * 1024 * 1024;
    private const int SentFileBytes = 1024 * 1024;

    [Theory]
    [MemberData(nameof(TestApi.Providers), MemberType = typeof(TestApi))]
    public async Task An_investigator_who_cannot_see_the_claim_gets_404_before_the_upload_is_read(DatabaseProvider provider)
    {
        await using var api = await TestApi.StartOnKestrelAsync(provider);
        var owner = await api.NewPersonAsync(Roles.Investigator);
        var claimId = (await owner.Client.SubmitClaimAsync()).Body.GetProperty("id").GetGuid();
        var outsider = await api.NewPersonAsync(Roles.Investigator);

        var (status, body) = await PostHalfAnUploadAsync(outsider.Client, claimId);

        Assert.Equal(404, status);
        Assert.Contains("\"status\":404", body, StringComparison.Ordinal);
        Assert.Empty(FilesIn(api.Factory.EvidencePath));
    }

    [Fact]
    public async Task An_upload_to_a_withdrawn_claim_is_409_before_the_upload_is_read()
    {
        await using var api = await TestApi.StartOnKestrelAsync(DatabaseProvider.Sqlite);
        var owner = await api.NewPersonAsync(Roles.Investigator);
        var (claim, etag) = await owner.Client.SubmitClaimAsync();
        var claimId = claim.GetProperty("id").GetGuid();
        await Expect.Status(await owner.Client.PostWithIfMatch($"/api/v1/claims/{claimId}/withdraw",
            new { reason = "Filed twice by mistake" }, etag), HttpStatusCode.OK);

        var (status, _) = await PostHalfAnUploadAsync(owner.Client, claimId);

        Assert.Equal(409, status);
        Assert.Empty(FilesIn(api.Factory.EvidencePath));
    }

    /// <summary>
    /// Announces a 512 MiB multipart upload, sends its metadata part and the first MiB of the file, then sends nothing
    /// more and reads the answer: a server that reads the body before deciding would wait here until the timeout.
    /// </summary>
    private static async Task<(int Status, string Body)> PostHalfAnUploadAsync(HttpClient client, Guid claimId)
    {
        var address = client.BaseAddress!;
        var token = client.DefaultRequestHeaders.Authorization!.Parameter;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();

        const string boundary = "early-refusal";
        var head = Encoding.ASCII.GetBytes(
            $"--{boundary}\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n" +
            """{"kind":"Video","stance":"Supports","title":"Footage of the strike"}""" +
            $"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"strike.mp4\"\r\nContent-Type: video/mp4\r\n\r\n");
        var request = Encoding.ASCII.GetBytes(
            $"POST /api/v1/claims/{claimId}/evidence HTTP/1.1\r\nHost: {address.Authority}\r\nAuthorization: Bearer {token}\r\n" +
            $"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {AnnouncedBytes}\r\n\r\n");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await stream.WriteAsync(request, timeout.Token);
        await stream.WriteAsync(head, timeout.Token);
        await stream.WriteAsync(new byte[SentFileBytes], timeout.Token);
        await stream.FlushAsync(timeout.Token);

        // The answer, read while the client still owes the server more than 511 MiB of the body.
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            while (!HasWholeResponse(received.ToArray()))
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                    break;
                received.Write(buffer, 0, read);
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("The server did not answer within 30 s while the upload was unfinished: it waits for the body before refusing.");
        }
        var text = Encoding.UTF8.GetString(received.ToArray());
        var statusLine = text.Split("\r\n", 2)[0];
        Assert.StartsWith("HTTP/1.1 ", statusLine, StringComparison.Ordinal);
        return (int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), text.Split("\r\n\r\n", 2).ElementAtOrDefault(1) ?? "");
    }

    /// <summary>Headers and, by Content-Length or the last chunk, the whole body of the answer are in.</summary>
    private static bool HasWholeResponse(byte[] bytes)
    {
        var text = Encoding.ASCII.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
            return false;
        var headers = text[..end];
        var length = headers.Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        if (length is not null)
            return bytes.Length >= end + 4 + int.Parse(length["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        return text.EndsWith("0\r\n\r\n", StringComparison.Ordinal);
    }

    private static IEnumerable<string> FilesIn(string folder) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories) : [];
}
