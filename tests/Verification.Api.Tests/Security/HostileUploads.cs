using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Verification.Api.Features.Imports.Formats;
using Verification.Api.Tests.Claims;
using Verification.Api.Tests.Infrastructure;

namespace Verification.Api.Tests.Security;

/// <summary>
/// What the generator knows of an import file it sent: how many records it holds and which of them it broke on
/// purpose (1-based, as the import counts them), or that the file as a whole is broken past the first block the upload
/// looks at, so the run must fail, or that it may fail as a whole (a record the reader may take or refuse as too
/// long) but when it succeeds, its rows are as planned. Null members mean "no expectation": the invariants that hold for every import
/// still apply.
/// </summary>
public sealed record ImportPlan(string Format, bool DryRun, int? Rows = null, IReadOnlySet<int>? BadRows = null, bool MustFail = false, bool MayFail = false);

/// <summary>One generated request, the kind of hostility it carries, and the statuses that are a correct answer to it.</summary>
public sealed record HostileRequest(HttpRequestMessage Request, string Kind, IReadOnlySet<int>? Allowed = null, ImportPlan? Plan = null);

/// <summary>
/// The upload half of the hostile-input generator: broken multipart for the evidence upload and the import upload,
/// and CSV and GeoJSON bombs inside otherwise well-formed import uploads. Every body is built byte by byte, so that
/// nothing in the client's own multipart writer tidies up what the server must survive.
/// </summary>
public sealed class HostileUploads
{
    private static readonly string[] UcdpLines = File.ReadAllLines(KidalWalkthroughTests.SamplePath("ucdp-ged-23.1-car/events-first-5.csv"));
    private static readonly JsonArray UcdpFeatures = FirstFeatures(5);

    private readonly long _uploadLimit;
    private int _serial = 90_000_000;

    public HostileUploads(long uploadLimit) => _uploadLimit = uploadLimit;

    private static readonly int[] Refusals = [400, 413, 415, 422];

    private static HashSet<int> Only(params int[] statuses) => [.. statuses];

    // ---------------------------------------------------------------- evidence upload (multipart)

    /// <summary>
    /// A multipart evidence upload to <paramref name="path"/>: the metadata part and the file part broken one way or another.
    /// A valid upload carries no If-Match (and is created: 201); a stale If-Match makes an otherwise valid one 412.
    /// </summary>
    public HostileRequest Evidence(string path, Random random)
    {
        var metadata = new JsonObject { ["kind"] = "Document", ["origin"] = "o", ["stance"] = "Supports", ["title"] = "generated" };
        var file = RandomBytes(random, random.Next(1, 4096));
        switch (random.Next(16))
        {
            case 0:
                return Send(path, "metadata", metadata.ToJsonString(), file, HostileFileName(random), "multipart: valid with a hostile file name",
                    Only(201, 400));
            case 1:
                return Send(path, "metadata", metadata.ToJsonString(), file, "report.pdf", "multipart: stale If-Match", Only(412), ifMatch: "\"999\"");
            case 2:
                return Send(path, "metadata", metadata.ToJsonString(), [], "empty.bin", "multipart: empty file", Only(201, 400));
            case 3:
                var replaced = HostileInputGeneratorTests.Replace(metadata, random, HostileInputGeneratorTests.HostileValue(random));
                return Send(path, "metadata", replaced.ToJsonString(), file, "report.pdf", "multipart: hostile metadata", Only(201, 400, 413));
            case 4:
                metadata["sha256"] = new string('a', 64);
                return Send(path, "metadata", metadata.ToJsonString(), file, "report.pdf", "multipart: wrong declared hash", Only(400));
            case 5:
                return Send(path, "metadata", metadata.ToJsonString(), file, "report.pdf", "multipart: wrong Content-Digest", Only(400),
                    fileHeaders: "Content-Digest: " + new[] { "sha-256=:AAAA:", "md5=:x:", "sha-256=", "\u202e" }[random.Next(4)] + "\r\n");
            case 6:
                return OverLimit(path, "metadata", metadata.ToJsonString(), random);
            default:
                return BrokenMultipart(path, "metadata", metadata.ToJsonString(), file, random);
        }
    }

    // ---------------------------------------------------------------- import upload

    /// <summary>An import upload: broken multipart around a good file, or a good multipart around a CSV or GeoJSON bomb.</summary>
    public HostileRequest Import(Random random)
    {
        var format = new[] { "ucdp-ged-csv", "verification-csv", "verification-ndjson", "ucdp-ged-geojson" }[random.Next(4)];
        var dryRun = random.Next(4) == 0;
        var options = new JsonObject { ["format"] = format, ["dryRun"] = dryRun, ["datasetVersion"] = "23.1" };
        switch (random.Next(10))
        {
            case 0:
                var (good, name, rows) = GoodFile(format, random.Next(1, 6));
                return BrokenMultipart("/api/v1/imports", "options", options.ToJsonString(), good, random, name);
            case 1:
                var hostileOptions = HostileInputGeneratorTests.Replace(options, random, HostileInputGeneratorTests.HostileValue(random));
                var (file, fileName, _) = GoodFile(format, 2);
                return Send("/api/v1/imports", "options", hostileOptions.ToJsonString(), file, fileName, "import: hostile options", Only(202, 400, 413));
            case 2:
                return OverLimit("/api/v1/imports", "options", options.ToJsonString(), random);
            case 3:
                var (named, _, namedRows) = GoodFile(format, 3);
                return Send("/api/v1/imports", "options", options.ToJsonString(), named, HostileFileName(random), "import: hostile file name",
                    Only(202, 400), plan: new ImportPlan(format, dryRun, namedRows, new HashSet<int>()));
            default:
                return format.EndsWith("geojson", StringComparison.Ordinal) ? GeojsonBomb(options, dryRun, random)
                    : format.EndsWith("ndjson", StringComparison.Ordinal) ? NdjsonBomb(options, dryRun, random)
                    : CsvBomb(format, options, dryRun, random);
        }
    }

    private HostileRequest CsvBomb(string format, JsonObject options, bool dryRun, Random random)
    {
        var ucdp = format == "ucdp-ged-csv";
        var header = ucdp ? UcdpLines[0] : VerificationHeader;
        var planRows = random.Next(1, 6);
        var rows = Enumerable.Range(0, planRows).Select(_ => ucdp ? UcdpRow(random) : VerificationRow()).ToList();
        var bad = new HashSet<int>();
        string kind;
        byte[] bytes;
        ImportPlan? plan = null;
        HashSet<int> allowed = Only(202);
        switch (random.Next(9))
        {
            case 0:
                kind = "csv: millions of columns in one row";
                var columns = random.Next(2) == 0 ? random.Next(100_000, 3_500_000) : random.Next(4_400_000, (int)Math.Min(_uploadLimit - 100_000, 5_800_000));
                rows.Insert(0, new string(',', columns));
                // A row within the record limit (4 MiB) fails alone; the reader may take a longer one (its buffer grows to
                // twice the limit) as a failing row or refuse the whole file.
                plan = new ImportPlan(format, dryRun, planRows + 1, new HashSet<int> { 1 }, MayFail: columns >= 4_000_000);
                bytes = Csv(header, rows);
                break;
            case 1:
                kind = "csv: a single gigantic line";
                var line = new string('x', random.Next(4_300_000, (int)Math.Min(_uploadLimit - 100_000, 5_800_000)));
                if (random.Next(2) == 0)
                {
                    kind = "csv: a gigantic header line";
                    bytes = Encoding.UTF8.GetBytes(header + line + "\n" + string.Join("\n", rows) + "\n");
                    allowed = Only(400);
                }
                else
                {
                    var position = random.Next(rows.Count + 1);
                    rows.Insert(position, line);
                    bytes = Csv(header, rows);
                    plan = new ImportPlan(format, dryRun, rows.Count, new HashSet<int> { position + 1 }, MayFail: true);
                }
                break;
            case 2:
                kind = "csv: unbalanced quotes";
                var at = random.Next(rows.Count);
                var cut = rows[at].IndexOf(',', StringComparison.Ordinal) + 1;
                rows[at] = rows[at][..cut] + "\"" + rows[at][cut..];
                bytes = Csv(header, rows);
                plan = new ImportPlan(format, dryRun);
                break;
            case 3:
                kind = "csv: invalid UTF-8 in the first block";
                bytes = Insert(Csv(header, rows), random, header.Length + 1, InvalidUtf8(random));
                allowed = Only(400);
                break;
            case 4:
                kind = "csv: invalid UTF-8 after the first block";
                var filler = Enumerable.Range(0, 2 * ImportFormats.HeadBytes / Math.Max(rows[0].Length, 1)).Select(_ => ucdp ? UcdpRow(random) : VerificationRow()).ToList();
                var body = Csv(header, filler);
                bytes = Insert(body, random, ImportFormats.HeadBytes + 16, InvalidUtf8(random));
                plan = new ImportPlan(format, dryRun, MustFail: true);
                break;
            case 5:
                kind = "csv: formula-injection cells";
                for (var i = 0; i < rows.Count; i++)
                    rows[i] = ucdp ? UcdpRow(random, sourceText: Formula(random)) : VerificationRow(title: Formula(random));
                bytes = Csv(header, rows);
                plan = new ImportPlan(format, dryRun, rows.Count, new HashSet<int>());
                break;
            case 6:
                kind = "csv: many rows, some broken";
                var many = random.Next(20, 400);
                rows = [];
                for (var i = 1; i <= many; i++)
                {
                    var broken = random.Next(25) == 0;
                    if (broken)
                        bad.Add(i);
                    rows.Add(ucdp ? UcdpRow(random, date: broken ? "2024-02-30" : null) : VerificationRow(date: broken ? "2024-02-30" : null));
                }
                bytes = Csv(header, rows);
                plan = new ImportPlan(format, dryRun, many, bad);
                break;
            case 7:
                kind = "csv: rows with hostile fields";
                for (var i = 0; i < rows.Count; i++)
                {
                    var text = CsvQuote(HostileInputGeneratorTests.HostileText(random));
                    rows[i] = ucdp ? UcdpRow(random, sourceText: text) : VerificationRow(title: text);
                }
                bytes = Csv(header, rows);
                plan = new ImportPlan(format, dryRun, rows.Count);
                break;
            default:
                kind = "csv: wrong header";
                string[] headers = ["", "\uFEFF", "a,b,c", header.Replace(",", ";", StringComparison.Ordinal), "\"" + header, header.ToUpperInvariant()[..10]];
                bytes = Encoding.UTF8.GetBytes(headers[random.Next(headers.Length)] + "\n" + string.Join("\n", rows) + "\n");
                allowed = Only(400);
                break;
        }
        return Send("/api/v1/imports", "options", options.ToJsonString(), bytes, ucdp ? "events.csv" : "claims.csv", kind,
            plan is null ? allowed : Only(202), plan: plan);
    }

    private HostileRequest NdjsonBomb(JsonObject options, bool dryRun, Random random)
    {
        var lines = Enumerable.Range(0, random.Next(1, 6)).Select(_ => NdjsonLine()).ToList();
        switch (random.Next(5))
        {
            case 0:
                var at = random.Next(lines.Count);
                var line = JsonNode.Parse(lines[at])!;
                lines[at] = HostileInputGeneratorTests.Replace(line, random, HostileInputGeneratorTests.HostileValue(random)).ToJsonString();
                return Ndjson(options, lines, "ndjson: a line with a hostile value", new ImportPlan("verification-ndjson", dryRun, lines.Count));
            case 1:
                lines.Add(new string('[', random.Next(65, 100_000)));
                return Ndjson(options, lines, "ndjson: deep nesting", new ImportPlan("verification-ndjson", dryRun));
            case 2:
                lines.Insert(random.Next(lines.Count + 1), "{\"title\":\"" + new string('x', random.Next(4_300_000, 5_500_000)) + "\"}");
                return Ndjson(options, lines, "ndjson: a single gigantic line", new ImportPlan("verification-ndjson", dryRun, MustFail: true));
            case 3:
                var many = random.Next(20, 400);
                var bad = new HashSet<int>();
                lines = [];
                for (var i = 1; i <= many; i++)
                {
                    var broken = random.Next(25) == 0;
                    if (broken)
                        bad.Add(i);
                    lines.Add(NdjsonLine(broken ? "2024-02-30" : null));
                }
                return Ndjson(options, lines, "ndjson: many rows, some broken", new ImportPlan("verification-ndjson", dryRun, many, bad));
            default:
                var bytes = Insert(Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"), random, 1, InvalidUtf8(random));
                return Send("/api/v1/imports", "options", options.ToJsonString(), bytes, "claims.ndjson", "ndjson: invalid UTF-8", Only(400));
        }
    }

    private HostileRequest Ndjson(JsonObject options, List<string> lines, string kind, ImportPlan? plan) =>
        Send("/api/v1/imports", "options", options.ToJsonString(), Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"), "claims.ndjson", kind,
            Only(202, 400), plan: plan);

    private HostileRequest GeojsonBomb(JsonObject options, bool dryRun, Random random)
    {
        var features = new JsonArray([.. Enumerable.Range(0, random.Next(1, 6)).Select(_ => (JsonNode?)UcdpFeature(random))]);
        string kind;
        ImportPlan? plan = new("ucdp-ged-geojson", dryRun);
        HashSet<int> allowed = Only(202);
        string text;
        switch (random.Next(7))
        {
            case 0:
                kind = "geojson: deep nesting";
                var depth = random.Next(65, 200_000);
                var deep = new string('[', depth) + new string(']', depth);
                var feature = UcdpFeature(random).ToJsonString();
                text = Collection(features) is var c && random.Next(2) == 0
                    ? c.Replace("\"features\":[", "\"features\":[" + feature.Replace("\"geometry\":", "\"nested\":" + deep + ",\"geometry\":", StringComparison.Ordinal) + ",", StringComparison.Ordinal)
                    : c.Replace("\"type\":\"FeatureCollection\"", "\"deep\":" + deep + ",\"type\":\"FeatureCollection\"", StringComparison.Ordinal);
                // Deeper than the reader allows: refused at upload when it is in the first block, the run fails when it is later.
                allowed = Only(202, 400);
                plan = new ImportPlan("ucdp-ged-geojson", dryRun, MustFail: true);
                break;
            case 1:
                kind = "geojson: huge coordinate arrays";
                var count = random.Next(2) == 0 ? random.Next(1_000, 200_000) : random.Next(600_000, 900_000);
                features[random.Next(features.Count)]!["geometry"] = "@@GEOMETRY@@";
                var coordinates = "[" + string.Join(",", Enumerable.Range(0, count).Select(i => (i % 180).ToString(System.Globalization.CultureInfo.InvariantCulture) + ".5")) + "]";
                text = Collection(features).Replace("\"@@GEOMETRY@@\"",
                    "{\"type\":\"" + (random.Next(2) == 0 ? "Point" : "MultiPoint") + "\",\"coordinates\":" + coordinates + "}", StringComparison.Ordinal);
                allowed = Only(202, 413);
                plan = new ImportPlan("ucdp-ged-geojson", dryRun);
                break;
            case 2:
                kind = "geojson: wrong geometry types";
                foreach (var f in features)
                    f!["geometry"] = new[]
                    {
                        JsonNode.Parse("{\"type\":\"LineString\",\"coordinates\":[[1,2],[3,4]]}"), JsonNode.Parse("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,1],[0,1],[0,0]]]}"),
                        JsonNode.Parse("\"Point\""), JsonNode.Parse("42"), null, JsonNode.Parse("{\"type\":\"Point\",\"coordinates\":[1]}"),
                        JsonNode.Parse("{\"type\":\"Point\",\"coordinates\":[\"a\",{}]}"), JsonNode.Parse("{\"type\":\"GeometryCollection\",\"geometries\":[]}"),
                        JsonNode.Parse("{\"type\":\"Point\",\"coordinates\":[400,-400]}"),
                    }[random.Next(9)];
                text = Collection(features);
                plan = new ImportPlan("ucdp-ged-geojson", dryRun, features.Count);
                break;
            case 3:
                kind = "geojson: NaN and Infinity";
                var at = random.Next(features.Count);
                var literal = new[] { "NaN", "Infinity", "-Infinity", "1e400", "-1e400", "\"NaN\"", "\"Infinity\"" }[random.Next(7)];
                var asProperty = random.Next(2) == 0;
                if (asProperty)
                {
                    features[at]!["geometry"] = null;
                    features[at]!["properties"]!["latitude"] = "@@LITERAL@@";
                }
                else
                {
                    features[at]!["geometry"] = new JsonObject { ["type"] = "Point", ["coordinates"] = new JsonArray("@@LITERAL@@", 1.5) };
                }
                text = Collection(features).Replace("\"@@LITERAL@@\"", literal, StringComparison.Ordinal);
                // A bare NaN is not JSON: the first block shows it (400). 1e400 or a string is JSON, and the row is refused or placed without coordinates.
                allowed = Only(202, 400);
                plan = new ImportPlan("ucdp-ged-geojson", dryRun, literal.StartsWith('"') || literal.Contains('e', StringComparison.Ordinal) ? features.Count : null);
                break;
            case 4:
                kind = "geojson: many features, some broken";
                var many = random.Next(20, 400);
                var bad = new HashSet<int>();
                features = [];
                for (var i = 1; i <= many; i++)
                {
                    var broken = random.Next(25) == 0;
                    if (broken)
                        bad.Add(i);
                    features.Add(UcdpFeature(random, broken ? "2024-02-30" : null));
                }
                text = Collection(features);
                plan = new ImportPlan("ucdp-ged-geojson", dryRun, many, bad);
                break;
            case 5:
                kind = "geojson: wrong shape";
                string[] shapes =
                [
                    "[" + Collection(features) + "]", "{\"type\":\"Feature\"}", "{\"type\":\"FeatureCollection\",\"features\":{}}", "{\"type\":\"FeatureCollection\",\"features\":[1,\"a\",null,[]]}",
                    Collection(features) + "{}", Collection(features)[..^3], "{\"type\":\"FeatureCollection\",\"features\":[" + new string(' ', 70_000) + "]", "null", "",
                ];
                text = shapes[random.Next(shapes.Length)];
                allowed = Only(202, 400);
                plan = new ImportPlan("ucdp-ged-geojson", dryRun);
                break;
            default:
                kind = "geojson: hostile property values";
                foreach (var f in features)
                    HostileInputGeneratorTests.Replace(f!["properties"]!, random, HostileInputGeneratorTests.HostileValue(random));
                text = Collection(features);
                allowed = Only(202, 400, 413);
                plan = new ImportPlan("ucdp-ged-geojson", dryRun);
                break;
        }
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.LongLength > _uploadLimit)
            allowed = Only(413);
        return Send("/api/v1/imports", "options", options.ToJsonString(), bytes, "events.geojson", kind, allowed, plan: plan);
    }

    // ---------------------------------------------------------------- broken multipart, either route

    private HostileRequest BrokenMultipart(string path, string metadataName, string metadata, byte[] file, Random random, string fileName = "report.pdf")
    {
        const string boundary = "hostile-boundary-7MA4YWxkTrZu0gW";
        var metadataPart = Part(boundary, $"Content-Disposition: form-data; name=\"{metadataName}\"\r\nContent-Type: application/json\r\n", Encoding.UTF8.GetBytes(metadata));
        var filePart = Part(boundary, $"Content-Disposition: form-data; name=\"file\"; filename=\"{fileName}\"\r\nContent-Type: application/octet-stream\r\n", file);
        var end = Encoding.ASCII.GetBytes($"--{boundary}--\r\n");
        byte[] whole = [.. metadataPart, .. filePart, .. end];
        switch (random.Next(12))
        {
            case 0:
                return Raw(path, whole, "multipart/form-data", "multipart: missing boundary", Only(400));
            case 1:
                return Raw(path, whole, "multipart/form-data; boundary=" + new string('b', random.Next(201, 5_000)), "multipart: overlong boundary", Only(400));
            case 2:
                return Raw(path, whole, "multipart/form-data; boundary=not-the-one-in-the-body", "multipart: boundary not in the body", Only(400));
            case 3:
                return Raw(path, whole[..random.Next(whole.Length)], "multipart/form-data; boundary=" + boundary, "multipart: truncated", Only(400));
            case 4:
                return Raw(path, [.. metadataPart, .. filePart, .. filePart, .. end], "multipart/form-data; boundary=" + boundary, "multipart: duplicate file parts", Only(400));
            case 5:
                return Raw(path, [.. metadataPart, .. metadataPart, .. filePart, .. end], "multipart/form-data; boundary=" + boundary, "multipart: duplicate metadata parts", Only(400));
            case 6:
                var huge = random.Next(2) == 0
                    ? $"X-Filler: {new string('h', random.Next(17_000, 2_000_000))}\r\n"
                    : string.Concat(Enumerable.Range(0, random.Next(17, 5_000)).Select(i => $"X-H{i}: v\r\n"));
                var hugePart = Part(boundary, $"Content-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n{huge}", file);
                return Raw(path, [.. metadataPart, .. hugePart, .. end], "multipart/form-data; boundary=" + boundary, "multipart: huge part headers", Only(400));
            case 7:
                string[] types = ["text/plain", "application/octet-stream", "multipart/mixed; boundary=" + boundary, "application/x-www-form-urlencoded", "text/csv", "image/png"];
                return Raw(path, whole, types[random.Next(types.Length)], "multipart: wrong content type", Only(400, 415));
            case 8:
                return Raw(path, [.. metadataPart, .. end], "multipart/form-data; boundary=" + boundary, "multipart: no file", Only(400));
            case 9:
                return Raw(path, [.. filePart, .. end], "multipart/form-data; boundary=" + boundary, "multipart: no metadata", Only(400));
            case 10:
                var anonymous = Part(boundary, "Content-Type: application/octet-stream\r\n", file);
                var stranger = Part(boundary, "Content-Disposition: form-data; name=\"other\"\r\n", file);
                return Raw(path, [.. metadataPart, .. (random.Next(2) == 0 ? anonymous : stranger), .. filePart, .. end],
                    "multipart/form-data; boundary=" + boundary, "multipart: unnamed or unexpected part", Only(400));
            default:
                // The closing delimiter never comes: the body ends inside the file part.
                return Raw(path, [.. metadataPart, .. filePart], "multipart/form-data; boundary=" + boundary, "multipart: no closing delimiter", Only(400));
        }
    }

    private HostileRequest OverLimit(string path, string metadataName, string metadata, Random random)
    {
        var size = _uploadLimit + random.Next(1, 1024 * 1024);
        return Send(path, metadataName, metadata, new byte[size], "big.bin", "multipart: file over the upload limit", Only(413));
    }

    private static HostileRequest Send(string path, string metadataName, string metadata, byte[] file, string fileName, string kind,
        IReadOnlySet<int> allowed, string? ifMatch = null, string? fileHeaders = null, ImportPlan? plan = null)
    {
        const string boundary = "gen-boundary-0d5c1b";
        byte[] body =
        [
            .. Part(boundary, $"Content-Disposition: form-data; name=\"{metadataName}\"\r\nContent-Type: application/json\r\n", Encoding.UTF8.GetBytes(metadata)),
            .. Part(boundary, $"Content-Disposition: form-data; name=\"file\"; filename=\"{fileName.Replace("\"", "%22", StringComparison.Ordinal)}\"\r\n" +
                              $"Content-Type: application/octet-stream\r\n{fileHeaders}", file),
            .. Encoding.ASCII.GetBytes($"--{boundary}--\r\n"),
        ];
        var request = Raw(path, body, "multipart/form-data; boundary=" + boundary, kind, allowed, plan);
        if (ifMatch is not null)
            request.Request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return request;
    }

    private static HostileRequest Raw(string path, byte[] body, string contentType, string kind, IReadOnlySet<int> allowed, ImportPlan? plan = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return new HostileRequest(new HttpRequestMessage(HttpMethod.Post, path) { Content = content }, kind, allowed, plan);
    }

    private static byte[] Part(string boundary, string headers, byte[] body) =>
        [.. Encoding.UTF8.GetBytes($"--{boundary}\r\n{headers}\r\n"), .. body, .. "\r\n"u8.ToArray()];

    // ---------------------------------------------------------------- files

    private (byte[] File, string Name, int Rows) GoodFile(string format, int rows) => format switch
    {
        "ucdp-ged-csv" => (Csv(UcdpLines[0], [.. Enumerable.Range(0, rows).Select(_ => UcdpRow(null))]), "events.csv", rows),
        "verification-csv" => (Csv(VerificationHeader, [.. Enumerable.Range(0, rows).Select(_ => VerificationRow())]), "claims.csv", rows),
        "verification-ndjson" => (Encoding.UTF8.GetBytes(string.Join("\n", Enumerable.Range(0, rows).Select(_ => NdjsonLine())) + "\n"), "claims.ndjson", rows),
        _ => (Encoding.UTF8.GetBytes(Collection(new JsonArray([.. Enumerable.Range(0, rows).Select(_ => (JsonNode?)UcdpFeature(null))]))), "events.geojson", rows),
    };

    private static byte[] Csv(string header, IEnumerable<string> rows) => Encoding.UTF8.GetBytes(header + "\n" + string.Join("\n", rows) + "\n");

    private static readonly string VerificationHeader =
        "reference,title,summary,violationTypes,incident.startDate,incident.timePrecision,incident.location.placeName,incident.location.countryCode,incident.location.geoPrecision,sources.type";

    private string VerificationRow(string? title = null, string? date = null) =>
        $"gen-{++_serial},{title ?? "Shelling of a market"},Generated row,AttackCivilianHarm,{date ?? "2024-03-29"},Day,Kidal,ML,NearbyTown,LocalMedia";

    /// <summary>A row of the UCDP sample under a new id, so each imports as a new claim; optionally with another source text or start date.</summary>
    private string UcdpRow(Random? random, string? sourceText = null, string? date = null)
    {
        var template = UcdpLines[1 + (random?.Next(UcdpLines.Length - 1) ?? 0)];
        var row = (++_serial).ToString(System.Globalization.CultureInfo.InvariantCulture) + template[template.IndexOf(',', StringComparison.Ordinal)..];
        if (date is not null)
            row = ReplaceDateStart(row, date);
        if (sourceText is not null)
            row = row.Replace("Central African Republic remote southeast", sourceText, StringComparison.Ordinal);
        return row;
    }

    /// <summary>Sets date_start in a row of the sample.</summary>
    private static string ReplaceDateStart(string row, string date)
    {
        var fields = SplitCsv(row);
        fields[Array.IndexOf(SplitCsv(UcdpLines[0]), "date_start")] = date + "T00:00:00";
        return string.Join(",", fields);
    }

    /// <summary>Splits one CSV line into its raw fields (quotes kept), enough for the sample's rows.</summary>
    private static string[] SplitCsv(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        foreach (var ch in line)
        {
            if (ch == '"')
                quoted = !quoted;
            if (ch == ',' && !quoted)
            {
                fields.Add(current.ToString());
                current.Clear();
                continue;
            }
            current.Append(ch);
        }
        fields.Add(current.ToString());
        return [.. fields];
    }

    private string NdjsonLine(string? date = null)
    {
        var claim = Kidal.Claim($"gen:{++_serial}");
        if (date is not null)
            claim["incident"]!["startDate"] = date;
        return claim.ToJsonString();
    }

    private JsonNode UcdpFeature(Random? random, string? date = null)
    {
        var feature = UcdpFeatures[random?.Next(UcdpFeatures.Count) ?? 0]!.DeepClone();
        feature["properties"]!["id"] = ++_serial;
        if (date is not null)
            feature["properties"]!["date_start"] = date + "T00:00:00";
        return feature;
    }

    private static string Collection(JsonArray features) =>
        new JsonObject { ["type"] = "FeatureCollection", ["features"] = features.DeepClone() }.ToJsonString();

    private static JsonArray FirstFeatures(int count)
    {
        using var stream = File.OpenRead(KidalWalkthroughTests.SamplePath("ucdp-ged-23.1-car/events.geojson"));
        var all = JsonNode.Parse(stream)!["features"]!.AsArray();
        return new JsonArray([.. all.Take(count).Select(f => f!.DeepClone())]);
    }

    // ---------------------------------------------------------------- hostile bits

    private static string HostileFileName(Random random) => new[]
    {
        "../../../../etc/passwd", "..\\..\\windows\\system32\\config\\sam", "/absolute/path.csv", "evil\u0000.csv", "a\r\nX-Injected: 1.csv",
        "\u202egnp.exe", "report\u202etxt.exe", new string('n', random.Next(301, 5_000)) + ".csv", "", ".", "..", "CON", "\u0007\u001b[31m.csv",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "名前\u0301\u0301.csv",
    }[random.Next(15)];

    private static string Formula(Random random) => new[]
    {
        "=cmd|' /C calc'!A0", "=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")", "+1+1", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "'=1+1",
    }[random.Next(7)] is var f && f.Contains('"', StringComparison.Ordinal) ? "\"" + f + "\"" : f;

    private static string CsvQuote(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static byte[] InvalidUtf8(Random random) =>
        new byte[][] { [0xFF], [0xC3, 0x28], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xFE, 0xFF] }[random.Next(7)];

    private static byte[] Insert(byte[] body, Random random, int from, byte[] bytes)
    {
        var at = Math.Min(body.Length, from + random.Next(Math.Max(1, Math.Min(body.Length - from, 200))));
        return [.. body[..at], .. bytes, .. body[at..]];
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    public static IReadOnlyList<int> RefusalStatuses => Refusals;
}
