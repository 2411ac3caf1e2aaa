using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Verification.Benchmarks.Streams;

/// <summary>
/// An upload body made up as it is sent: pseudo-random bytes, 1 MiB at a time, never held whole in memory.
/// As multipart/form-data (a JSON "metadata" part and a "file" part) for the API, or raw for the floor.
/// Each chunk carries its index, so no two uploads share a hash (the store keeps identical bytes once).
/// </summary>
public sealed class GeneratedUpload : HttpContent
{
    private const int Chunk = 1024 * 1024;
    private readonly long _size;
    private readonly int _seed;
    private readonly byte[] _prefix;
    private readonly byte[] _suffix;

    private GeneratedUpload(long size, int seed, byte[] prefix, byte[] suffix, string contentType)
    {
        _size = size;
        _seed = seed;
        _prefix = prefix;
        _suffix = suffix;
        Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
    }

    public static GeneratedUpload Multipart(long size, int seed, string metadataJson)
    {
        var boundary = "verification-bench-" + Guid.NewGuid().ToString("N");
        var prefix = Encoding.UTF8.GetBytes(
            $"--{boundary}\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n{metadataJson}\r\n" +
            $"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"drone-footage.mp4\"\r\nContent-Type: video/mp4\r\n\r\n");
        var suffix = Encoding.UTF8.GetBytes($"\r\n--{boundary}--\r\n");
        return new GeneratedUpload(size, seed, prefix, suffix, $"multipart/form-data; boundary={boundary}");
    }

    public static GeneratedUpload Raw(long size, int seed) => new(size, seed, [], [], "application/octet-stream");

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var block = new byte[Chunk];
        new Random(_seed).NextBytes(block);
        await stream.WriteAsync(_prefix);
        long written = 0;
        for (long index = 0; written < _size; index++)
        {
            BitConverter.TryWriteBytes(block.AsSpan(0, 8), index ^ ((long)_seed << 40));
            var count = (int)Math.Min(Chunk, _size - written);
            await stream.WriteAsync(block.AsMemory(0, count));
            written += count;
        }
        await stream.WriteAsync(_suffix);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _prefix.Length + _size + _suffix.Length;
        return true;
    }
}
