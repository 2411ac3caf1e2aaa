using System.Text.Json;
using System.Text.Json.Serialization;

namespace Verification.Api.Infrastructure.Http;

/// <summary>
/// Text with U+0000 in it is refused at the edge, on every provider alike: PostgreSQL cannot hold the character in a
/// text column or a query parameter (SQLSTATE 22021) and answered such text with a 500 (a sign-in, an audit filter)
/// or a misleading 409 (a claim's title), while SQLite kept it. No field of the API has a use for it. JSON strings
/// are refused by a string converter (a 400 naming the field, as any other binding failure); query strings by a
/// middleware; file names of uploads are cleaned where they are read (<see cref="MultipartUpload{TMetadata}"/>).
/// What still reaches the database (an import row) is mapped to a 400 by the exception handler.
/// </summary>
public static class NulCharacters
{
    public const string Message = "Text may not contain the NUL character (U+0000).";

    /// <summary>The SQLSTATE PostgreSQL answers for a character it cannot store (character_not_in_repertoire).</summary>
    public const string PostgresSqlState = "22021";

    public static IServiceCollection AddNulCharacterGuard(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new RefusingStringConverter()));

    public static IApplicationBuilder UseNulCharacterGuard(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.Request.QueryString.HasValue)
            {
                foreach (var (name, values) in context.Request.Query)
                {
                    if (name.Contains('\0', StringComparison.Ordinal) || values.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true))
                        throw new InvalidRequest(name.Replace("\0", string.Empty, StringComparison.Ordinal), Message);
                }
            }
            return next(context);
        });

    /// <summary>Reads strings as the built-in converter does, and refuses one that holds U+0000.</summary>
    private sealed class RefusingStringConverter : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var value = reader.GetString();
            if (value is not null && value.Contains('\0', StringComparison.Ordinal))
                throw new JsonException(Message);
            return value;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }
}
