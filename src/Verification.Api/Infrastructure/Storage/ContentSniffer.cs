using System.Text.Unicode;

namespace Verification.Api.Infrastructure.Storage;

/// <summary>
/// Names a file's type from its first bytes, recorded beside the type the uploader declared, so a reviewer sees
/// when a "photo" is really an executable. Only the signatures of the kinds of evidence we take are known.
/// </summary>
public static class ContentSniffer
{
    public static string Detect(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return "image/jpeg";
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return "image/png";
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8)) return "image/gif";
        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8)) return "image/tiff";
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8)) return "image/webp";
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WAVE"u8)) return "audio/wav";
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("AVI "u8)) return "video/x-msvideo";
        if (head.StartsWith("%PDF-"u8)) return "application/pdf";
        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
            return head[8..12].SequenceEqual("heic"u8) || head[8..12].SequenceEqual("heix"u8) ? "image/heic"
                : head[8..11].SequenceEqual("M4A"u8) ? "audio/mp4" : "video/mp4";
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3])) return "video/webm";
        if (head.StartsWith("OggS"u8)) return "audio/ogg";
        if (head.StartsWith("ID3"u8) || head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0) return "audio/mpeg";
        if (head.StartsWith("fLaC"u8)) return "audio/flac";
        if (head.StartsWith("PK\x03\x04"u8)) return "application/zip";
        if (head.StartsWith("MZ"u8) || head.StartsWith((ReadOnlySpan<byte>)[0x7F, 0x45, 0x4C, 0x46])) return "application/x-executable";
        if (head.IsEmpty) return "application/x-empty";
        return LooksLikeText(head) ? "text/plain" : "application/octet-stream";
    }

    private static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        foreach (var b in head)
        {
            if (b < 0x09 || b is > 0x0D and < 0x20)
                return false;
        }
        // A multi-byte character may be cut at the end of the sample; only the bytes before it must decode.
        return Utf8.IsValid(head[..Math.Max(0, head.Length - 3)]);
    }
}
