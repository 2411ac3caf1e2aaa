using System.Net.Http.Headers;
using Verification.Api.Infrastructure.Security;

namespace Verification.Api.Infrastructure.Http;

/// <summary>
/// One webhook delivery attempt, the same for partners and for staff notifications: a POST of the JSON body, signed
/// (X-Signature, HMAC-SHA256 with the receiver's secret), through the given client (no redirects, no proxy, every
/// address checked as it is connected to), within the configured timeout. The answer is the receiver's status, or why
/// there was none.
/// </summary>
public static class SignedWebhookPost
{
    public static async Task<(int? Status, string? Error)> SendAsync(HttpClient client, WebhookOptions options, string url,
        Guid id, string eventName, byte[] body, string secret, CancellationToken ct)
    {
        // The operator may have closed private networks since the webhook was set.
        if (url.StartsWith("http:", StringComparison.OrdinalIgnoreCase) && !options.AllowPrivateNetworks)
            return (null, "Refused: a webhook url must use https.");

        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add("X-Webhook-Id", id.ToString());
        request.Headers.Add("X-Webhook-Event", eventName);
        request.Headers.Add("X-Signature", WebhookSecrets.Sign(body, secret));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Verification-Webhooks", "1.0"));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.TimeoutSeconds));
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return ((int)response.StatusCode, null);
        }
        catch (HttpRequestException e) when (Refusal(e) is { } refused)
        {
            return (null, "Refused: " + refused.Message);
        }
        catch (HttpRequestException e)
        {
            return (null, "Could not connect: " + e.Message);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"No answer within {options.TimeoutSeconds} s.");
        }
    }

    private static WebhookAddressRefused? Refusal(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is WebhookAddressRefused refused)
                return refused;
        }
        return null;
    }
}
