using System.Globalization;

namespace Verification.Api.Infrastructure.Http;

/// <summary>A map area as query strings give it, <c>bbox=minLon,minLat,maxLon,maxLat</c> (the GeoJSON order); edges are inside.</summary>
public readonly record struct BoundingBox(double MinLongitude, double MinLatitude, double MaxLongitude, double MaxLatitude)
{
    public const string Rule = "bbox is minLon,minLat,maxLon,maxLat: longitudes -180..180, latitudes -90..90, each minimum at most its maximum.";

    public static bool TryParse(string? text, out BoundingBox box)
    {
        box = default;
        var parts = (text ?? string.Empty).Split(',');
        if (parts.Length != 4)
            return false;
        var values = new double[4];
        for (var i = 0; i < 4; i++)
        {
            if (!double.TryParse(parts[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
                return false;
        }
        box = new BoundingBox(values[0], values[1], values[2], values[3]);
        return box.MinLongitude is >= -180 and <= 180 && box.MaxLongitude is >= -180 and <= 180
            && box.MinLatitude is >= -90 and <= 90 && box.MaxLatitude is >= -90 and <= 90
            && box.MinLongitude <= box.MaxLongitude && box.MinLatitude <= box.MaxLatitude;
    }
}
