using Verification.Domain.Common;

namespace Verification.Api.WebConsole;

/// <summary>
/// The console's one stylesheet and one script, compiled into the assembly and served by this host with their hash
/// in the address, so a browser caches them for a year and a new version is a new address. No CDN, nothing inline.
/// </summary>
public static class ConsoleAssets
{
    private static readonly Lazy<Asset> Style = new(() => Load("console.css", "text/css; charset=utf-8"));
    private static readonly Lazy<Asset> Script = new(() => Load("console.js", "text/javascript; charset=utf-8"));

    public static string StylePath => $"/app/assets/console.css?v={Style.Value.Version}";
    public static string ScriptPath => $"/app/assets/console.js?v={Script.Value.Version}";

    public static IEndpointRouteBuilder MapConsoleAssets(this IEndpointRouteBuilder app)
    {
        app.MapGet("/app/assets/console.css", (HttpContext http) => Serve(http, Style.Value)).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/app/assets/console.js", (HttpContext http) => Serve(http, Script.Value)).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>A request made by blazor.web.js (enhanced navigation or an enhanced form post).</summary>
    public static bool IsEnhancedRequest(HttpRequest request) =>
        request.Headers.Accept.ToString().Contains("blazor-enhanced-nav=on", StringComparison.OrdinalIgnoreCase);

    private static IResult Serve(HttpContext http, Asset asset)
    {
        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        var gzip = http.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase);
        if (!gzip)
            return Results.Bytes(asset.Bytes, asset.ContentType);
        http.Response.Headers.ContentEncoding = "gzip";
        http.Response.Headers.Vary = "Accept-Encoding";
        return Results.Bytes(asset.Gzipped, asset.ContentType);
    }

    private static Asset Load(string name, string contentType)
    {
        using var stream = typeof(ConsoleAssets).Assembly.GetManifestResourceStream("Verification.Api.Console.Assets." + name)
            ?? throw new InvalidOperationException($"The console asset {name} is not embedded.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        var bytes = memory.ToArray();
        using var zipped = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(zipped, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
            gzip.Write(bytes);
        var version = Hashing.Sha256Hex(bytes)[..12];
        return new Asset(bytes, zipped.ToArray(), contentType, version);
    }

    private sealed record Asset(byte[] Bytes, byte[] Gzipped, string ContentType, string Version);
}

/// <summary>
/// Blazor's own script (<c>_framework/blazor.web.js</c>, from the framework's static web assets), which turns the
/// console's links and <c>data-enhance</c> forms into enhanced navigation: a fetch whose HTML is merged into the page.
/// <c>MapStaticAssets</c> serves it from this host, precompressed (Brotli and gzip, chosen by Accept-Encoding), at an
/// address with its content's fingerprint and a one-year immutable cache. The layout references that address.
/// </summary>
public sealed class ConsoleFrameworkScript
{
    public const string Label = "_framework/blazor.web.js";

    /// <summary>The fingerprinted address, e.g. <c>/_framework/blazor.web.abc123xyz.js</c>.</summary>
    public string Path { get; private set; } = "/" + Label;

    /// <summary>Finds the fingerprinted address among the endpoints that <c>MapStaticAssets</c> mapped.</summary>
    internal void Resolve(IEndpointRouteBuilder app)
    {
        var descriptors = Microsoft.AspNetCore.StaticAssets.Infrastructure.StaticAssetsEndpointDataSourceHelper.ResolveStaticAssetDescriptors(app, null);
        var fingerprinted = descriptors.FirstOrDefault(d => d.Route != Label
            && d.Properties.Any(p => p.Name == "label" && p.Value == Label))
            ?? throw new InvalidOperationException(
                $"{Label} is not among the host's static web assets: build or publish the project with the .NET SDK (its static web assets manifest is missing or incomplete).");
        Path = "/" + fingerprinted.Route;
    }
}
