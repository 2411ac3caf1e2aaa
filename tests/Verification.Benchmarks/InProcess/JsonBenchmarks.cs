using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using Verification.Api.Features.Claims;
using Verification.Domain.Claims;
using Verification.Domain.Verdicts;

namespace Verification.Benchmarks.InProcess;

/// <summary>
/// JSON of one decided claim (ClaimResponse) with the API's serializer options (web defaults, enums as strings),
/// against a hand-written Utf8JsonWriter (UTF-8 property names, enum names encoded once) that produces the very same bytes (checked in setup). Both write into
/// a reused buffer.
/// </summary>
[MemoryDiagnoser]
public class JsonBenchmarks
{
    /// <summary>What Program.cs configures for the API: web defaults plus JsonStringEnumConverter.</summary>
    public static readonly JsonSerializerOptions ApiOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
        MaxDepth = 32,
    };

    private readonly ArrayBufferWriter<byte> _buffer = new(8192);
    private Utf8JsonWriter _writer = null!;
    private ClaimResponse _claim = null!;

    [GlobalSetup]
    public void Setup()
    {
        _writer = new Utf8JsonWriter(_buffer);
        var at = new DateTime(2024, 4, 2, 9, 0, 0, DateTimeKind.Utc);
        var harm = new Harm(2, 6, 3, null, 2, 5, 0, 1, null, null);
        _claim = new ClaimResponse(
            Guid.CreateVersion7(), "VC-2024-000017", ClaimStage.Decided, 4, Guid.CreateVersion7(), at, at.AddDays(3),
            "Drone strikes on the former MINUSMA base in Kidal",
            "Drones of the Malian Armed Forces, with the Wagner Group, struck the former MINUSMA base held by the CSP in Kidal on the night of 29–30 March 2024. Casualties unconfirmed.",
            [ViolationType.AttackCivilianHarm, ViolationType.AttackOnProtectedObject],
            new IncidentResponse(new DateOnly(2024, 3, 29), new DateOnly(2024, 3, 30), TimePrecision.Day,
                new Location("Kidal", "ML", "Kidal", null, 18.4411, 1.4078, GeoPrecision.NearbyTown)),
            [new Perpetrator("Malian Armed Forces (FAMa)", PerpetratorType.StateForce), new Perpetrator("Wagner Group", PerpetratorType.ForeignOrPrivateMilitary)],
            harm,
            [new Source(SourceType.LocalMedia, "Local radio report of the strikes", null), new Source(SourceType.SocialMedia, "Video posted on 30 March", "https://example.org/v/1")],
            "ucdp-ged:256789", null, null, null, false, [Guid.CreateVersion7()],
            new VerdictResponse(Guid.CreateVersion7(), VerdictRating.Fair, "Two independent sources and satellite imagery.", harm,
                ["Malian Armed Forces (FAMa)"], Guid.CreateVersion7(), at.AddDays(2), Guid.CreateVersion7(), at.AddDays(3)));
        Serializer();
        var expected = _buffer.WrittenSpan.ToArray();
        HandWritten();
        if (!_buffer.WrittenSpan.SequenceEqual(expected))
            throw new InvalidOperationException("The hand-written writer does not produce the serializer's bytes:\n" +
                System.Text.Encoding.UTF8.GetString(expected) + "\n" + System.Text.Encoding.UTF8.GetString(_buffer.WrittenSpan));
    }

    [Benchmark(Description = "JsonSerializer, API options")]
    public int Serializer()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        JsonSerializer.Serialize(_writer, _claim, ApiOptions);
        _writer.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark(Description = "hand-written Utf8JsonWriter")]
    public int HandWritten()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        Write(_writer, _claim);
        _writer.Flush();
        return _buffer.WrittenCount;
    }

    private static void Write(Utf8JsonWriter w, ClaimResponse c)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, c.Id);
        w.WriteString("reference"u8, c.Reference);
        w.WriteString("status"u8, Name(c.Status));
        w.WriteNumber("version"u8, c.Version);
        w.WriteString("submittedBy"u8, c.SubmittedBy);
        w.WriteString("submittedAt"u8, c.SubmittedAt);
        w.WriteString("updatedAt"u8, c.UpdatedAt);
        w.WriteString("title"u8, c.Title);
        w.WriteString("summary"u8, c.Summary);
        w.WriteStartArray("violationTypes"u8);
        foreach (var t in c.ViolationTypes)
            w.WriteStringValue(Name(t));
        w.WriteEndArray();
        w.WriteStartObject("incident"u8);
        Date(w, "startDate"u8, c.Incident.StartDate);
        Date(w, "endDate"u8, c.Incident.EndDate);
        w.WriteString("timePrecision"u8, Name(c.Incident.TimePrecision));
        var l = c.Incident.Location;
        w.WriteStartObject("location"u8);
        w.WriteString("placeName"u8, l.PlaceName);
        w.WriteString("countryCode"u8, l.CountryCode);
        Text(w, "admin1"u8, l.Admin1);
        Text(w, "admin2"u8, l.Admin2);
        Number(w, "latitude"u8, l.Latitude);
        Number(w, "longitude"u8, l.Longitude);
        w.WriteString("geoPrecision"u8, Name(l.GeoPrecision));
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartArray("perpetrators"u8);
        foreach (var p in c.Perpetrators)
        {
            w.WriteStartObject();
            w.WriteString("name"u8, p.Name);
            w.WriteString("type"u8, Name(p.Type));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteHarm(w, "harm"u8, c.Harm);
        w.WriteStartArray("sources"u8);
        foreach (var s in c.Sources)
        {
            w.WriteStartObject();
            w.WriteString("type"u8, Name(s.Type));
            Text(w, "description"u8, s.Description);
            Text(w, "url"u8, s.Url);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        Text(w, "externalId"u8, c.ExternalId);
        Id(w, "importId"u8, c.ImportId);
        Text(w, "stageReason"u8, c.StageReason);
        Id(w, "duplicateOf"u8, c.DuplicateOf);
        w.WriteBoolean("reopeningSuggested"u8, c.ReopeningSuggested);
        w.WriteStartArray("assignedTo"u8);
        foreach (var id in c.AssignedTo)
            w.WriteStringValue(id);
        w.WriteEndArray();
        if (c.Verdict is not { } v)
        {
            w.WriteNull("verdict"u8);
        }
        else
        {
            w.WriteStartObject("verdict"u8);
            w.WriteString("proposalId"u8, v.ProposalId);
            w.WriteString("rating"u8, Name(v.Rating));
            w.WriteString("rationale"u8, v.Rationale);
            WriteHarm(w, "harm"u8, v.Harm);
            w.WriteStartArray("attributedTo"u8);
            foreach (var name in v.AttributedTo)
                w.WriteStringValue(name);
            w.WriteEndArray();
            w.WriteString("proposedBy"u8, v.ProposedBy);
            w.WriteString("proposedAt"u8, v.ProposedAt);
            Id(w, "confirmedBy"u8, v.ConfirmedBy);
            if (v.DecidedAt is { } decided)
                w.WriteString("decidedAt"u8, decided);
            else
                w.WriteNull("decidedAt"u8);
            w.WriteEndObject();
        }
        if (c.Reviewer is not { } reviewer)
        {
            w.WriteNull("reviewer"u8);
        }
        else
        {
            w.WriteStartObject("reviewer"u8);
            w.WriteString("id"u8, reviewer.Id);
            if (reviewer.Email is null)
                w.WriteNull("email"u8);
            else
                w.WriteString("email"u8, reviewer.Email);
            w.WriteString("since"u8, reviewer.Since);
            w.WriteEndObject();
        }
        if (c.DueAt is { } due)
            w.WriteString("dueAt"u8, due);
        else
            w.WriteNull("dueAt"u8);
        w.WriteEndObject();
    }

    private static void WriteHarm(Utf8JsonWriter w, ReadOnlySpan<byte> name, Harm h)
    {
        w.WriteStartObject(name);
        Number(w, "killedMin"u8, h.KilledMin);
        Number(w, "killedMax"u8, h.KilledMax);
        Number(w, "injuredMin"u8, h.InjuredMin);
        Number(w, "injuredMax"u8, h.InjuredMax);
        Number(w, "civiliansKilledMin"u8, h.CiviliansKilledMin);
        Number(w, "civiliansKilledMax"u8, h.CiviliansKilledMax);
        Number(w, "childrenKilledMin"u8, h.ChildrenKilledMin);
        Number(w, "childrenKilledMax"u8, h.ChildrenKilledMax);
        Number(w, "womenKilledMin"u8, h.WomenKilledMin);
        Number(w, "womenKilledMax"u8, h.WomenKilledMax);
        w.WriteEndObject();
    }

    private static JsonEncodedText Name<T>(T value) where T : struct, Enum => EnumNames<T>.Of(value);

    private static void Date(Utf8JsonWriter w, ReadOnlySpan<byte> name, DateOnly date)
    {
        Span<char> text = stackalloc char[10];
        date.TryFormat(text, out _, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        w.WriteString(name, text);
    }

    private static void Text(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
            w.WriteNull(name);
        else
            w.WriteString(name, value);
    }

    private static void Id(Utf8JsonWriter w, ReadOnlySpan<byte> name, Guid? value)
    {
        if (value is { } id)
            w.WriteString(name, id);
        else
            w.WriteNull(name);
    }

    private static void Number(Utf8JsonWriter w, ReadOnlySpan<byte> name, int? value)
    {
        if (value is { } n)
            w.WriteNumber(name, n);
        else
            w.WriteNull(name);
    }

    private static void Number(Utf8JsonWriter w, ReadOnlySpan<byte> name, double? value)
    {
        if (value is { } n)
            w.WriteNumber(name, n);
        else
            w.WriteNull(name);
    }

    /// <summary>Enum names encoded once, as the serializer's converter caches them.</summary>
    private static class EnumNames<T> where T : struct, Enum
    {
        private static readonly Dictionary<T, JsonEncodedText> Names = Enum.GetValues<T>().ToDictionary(v => v, v => JsonEncodedText.Encode(v.ToString()));

        public static JsonEncodedText Of(T value) => Names[value];
    }
}
