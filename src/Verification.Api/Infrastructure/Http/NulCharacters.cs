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

    /// <summary>
    /// The schema exporter cannot see through a custom converter and would describe every string as "any value"
    /// (generated clients then type them as untyped nodes); the converter reads and writes plain JSON strings, so
    /// the schema says so.
    /// </summary>
    public static Task StringSchemas(Microsoft.OpenApi.OpenApiSchema schema, Microsoft.AspNetCore.OpenApi.OpenApiSchemaTransformerContext context, CancellationToken _)
    {
        var nullable = context.JsonPropertyInfo is { IsGetNullable: true } ? Microsoft.OpenApi.JsonSchemaType.Null : 0;
        if (context.JsonTypeInfo.Type == typeof(string))
        {
            schema.Type ??= Microsoft.OpenApi.JsonSchemaType.String | nullable;
        }
        else if (context.JsonTypeInfo.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Enumerable
                 && context.JsonTypeInfo.ElementType == typeof(string))
        {
            // The exporter writes {"type": "array"} with no items here.
            schema.Type ??= Microsoft.OpenApi.JsonSchemaType.Array | nullable;
            schema.Items ??= new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String };
        }
        return Task.CompletedTask;
    }

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
