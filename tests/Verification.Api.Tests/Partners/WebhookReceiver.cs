using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Verification.Api.Tests.Partners;

/// <summary>A partner's webhook endpoint for tests: Kestrel on 127.0.0.1, a free port, recording every POST as received.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<Received> Requests { get; } = new();
    public string Url => _app.Urls.Single().Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/hook";
    public int Port => new Uri(Url).Port;

    /// <param name="answer">The answer to the n-th request (from 1).</param>
    public static async Task<WebhookReceiver> StartAsync(Func<int, IResult> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            receiver.Requests.Enqueue(new Received(request.Headers["X-Webhook-Id"].ToString(), request.Headers["X-Signature"].ToString(),
                request.Headers["X-Webhook-Event"].ToString(), request.ContentType, body.ToArray()));
            return answer(receiver.Requests.Count);
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal sealed record Received(string WebhookId, string Signature, string Event, string? ContentType, byte[] Body);
