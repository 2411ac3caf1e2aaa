using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SQLitePCL;
using Verification.Api.Infrastructure.Persistence.Bulk;
using Verification.Api.Tests.Infrastructure;
using Verification.Domain.Audit;
using Verification.Domain.Claims;
using Verification.Persistence;
using Verification.Persistence.Search;

namespace Verification.Api.Tests.Imports;

/// <summary>
/// The SQLite bulk writer binds values by position through SQLitePCL with its own copy of Microsoft.Data.Sqlite's
/// binding rules (<see cref="SqliteColumnBinding"/>). Every column of every table it writes, with values that test the
/// rules' edges (empty text, a NUL, a lone surrogate, times with and without a fraction, -0.0, empty blobs, nulls), is
/// bound both ways, EF Core's parameter from the column's own type mapping and the bulk binding, and SQLite must see the
/// same value: the same storage class and the same bytes.
/// </summary>
public sealed class SqliteColumnBindingTests
{
    [Fact]
    public async Task Every_column_the_bulk_writer_stores_on_SQLite_binds_the_bytes_EF_Core_binds()
    {
        await using var api = await TestApi.StartAsync(DatabaseProvider.Sqlite);
        await using var scope = api.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VerificationDb>();
        var tables = new[]
        {
            BulkTable.For<Claim>(db), BulkTable.For<ClaimEvent>(db), BulkTable.For<AuditEntry>(db),
            BulkTable.For<AuditRecordState>(db), BulkTable.For<ClaimDocument>(db), BulkTable.For<ClaimSearchDocument>(db),
        };

        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        var compared = 0;
        var types = new HashSet<Type>();
        foreach (var table in tables)
        {
            var bindings = SqliteColumnBinding.For(table);
            for (var c = 0; c < table.Columns.Count; c++)
            {
                var column = table.Columns[c];
                var providerType = column.Mapping.Converter?.ProviderClrType ?? column.Mapping.ClrType;
                providerType = Nullable.GetUnderlyingType(providerType) ?? providerType;
                types.Add(providerType);
                var values = Values(providerType);
                Assert.True(values.Count > 1, $"No test values for {table.Name}.{column.Name} ({providerType.Name}): add them here.");
                if (column.Nullable)
                    values.Add(null);
                foreach (var value in values)
                {
                    var expected = await ThroughEfCoreAsync(connection, column, value);
                    var actual = ThroughBinding(connection, bindings[c], value);
                    Assert.True(expected == actual,
                        $"{table.Name}.{column.Name} ({providerType.Name}) {Describe(value)}: EF Core {expected}, bulk {actual}");
                    compared++;
                }
            }
        }
        // The tables hold at least text, GUIDs, times, integers and a blob; a model change that brings another type
        // in is covered by the values above or fails on the assertion that asks for them.
        Assert.Contains(typeof(string), types);
        Assert.Contains(typeof(Guid), types);
        Assert.Contains(typeof(DateTime), types);
        Assert.Contains(typeof(byte[]), types);
        Assert.True(compared > 200, $"only {compared} values compared");
    }

    [Fact]
    public async Task A_blob_GUID_a_real_time_and_a_sized_text_bind_as_their_parameters_say()
    {
        // No bulk table configures its parameters today; these are the rules that would apply if a mapping did.
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        var guid = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        var time = new DateTime(2026, 12, 6, 19, 20, 21, 345, DateTimeKind.Utc);
        foreach (var (type, size, value) in new (SqliteType?, int, object)[]
        {
            (SqliteType.Blob, 0, guid), (null, 0, guid), (SqliteType.Real, 0, time), (null, 0, time),
            (null, 5, "truncated here"), (null, 3, new byte[] { 1, 2, 3, 4, 5 }), (SqliteType.Integer, 0, 'x'), (null, 0, 'x'),
            (null, 0, 12.5m), (null, 0, new DateOnly(2026, 12, 6)), (null, 0, TimeSpan.FromMinutes(90)), (SqliteType.Real, 0, TimeSpan.FromMinutes(90)),
        })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT typeof(@v), hex(@v)";
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@v";
            parameter.Value = value;
            if (type is { } t)
                parameter.SqliteType = t;
            if (size > 0)
                parameter.Size = size;
            command.Parameters.Add(parameter);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            var expected = reader.GetString(0) + " " + reader.GetString(1);

            var actual = ThroughBinding(connection, SqliteColumnBinding.Of(type, size), value);
            Assert.True(expected == actual, $"{type} {size} {Describe(value)}: Microsoft.Data.Sqlite {expected}, bulk {actual}");
        }
    }

    private static async Task<string> ThroughEfCoreAsync(SqliteConnection connection, BulkColumn column, object? value)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT typeof(@v), hex(@v)";
        // What SaveChanges binds: a parameter made by the column's type mapping, holding the value its converter gives
        // (the values here are already the provider's).
        var parameter = column.Mapping.CreateParameter(command, "@v", null, column.Nullable);
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return reader.GetString(0) + " " + reader.GetString(1);
    }

    /// <summary>
    /// Bound with the writer's buffer (GUIDs and times formatted straight into it) and with one too small for them (the
    /// string route, and the buffer grown for text): both must give the same.
    /// </summary>
    private static string ThroughBinding(SqliteConnection connection, SqliteColumnBinding binding, object? value)
    {
        var results = new[] { 4096, 8 }.Select(size =>
        {
            var rc = raw.sqlite3_prepare_v2(connection.Handle, "SELECT typeof(?1), hex(?1)", out var statement);
            Assert.Equal(raw.SQLITE_OK, rc);
            using (statement)
            {
                var buffer = new byte[size];
                binding.Bind(statement, 1, value, ref buffer);
                Assert.Equal(raw.SQLITE_ROW, raw.sqlite3_step(statement));
                return raw.sqlite3_column_text(statement, 0).utf8_to_string() + " " + raw.sqlite3_column_text(statement, 1).utf8_to_string();
            }
        }).ToArray();
        return results[0] == results[1] ? results[0] : $"{results[0]} (buffer of 8: {results[1]})";
    }

    private static List<object?> Values(Type type)
    {
        if (type == typeof(string))
            return ["", "a", "Kidal, Mali", "ä€𝄞 ﻿", "a\0b", "lone \uD800 surrogate", "\uDC00", new string('x', 10_000), "trailing space "];
        if (type == typeof(Guid))
            return [Guid.Empty, Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), Guid.NewGuid()];
        if (type == typeof(DateTime))
        {
            return
            [
                new DateTime(2026, 12, 6, 19, 20, 21, DateTimeKind.Utc), new DateTime(2026, 12, 6, 19, 20, 21, 345, DateTimeKind.Utc).AddTicks(6789),
                new DateTime(2026, 12, 6, 19, 20, 21, DateTimeKind.Utc).AddTicks(1), new DateTime(2026, 12, 6, 19, 20, 21, DateTimeKind.Unspecified).AddTicks(5_000_000),
                DateTime.MinValue, DateTime.MaxValue, new DateTime(1999, 1, 2, 3, 4, 5, DateTimeKind.Local),
            ];
        }
        if (type == typeof(long))
            return [0L, -1L, 1L, long.MaxValue, long.MinValue, 123_456_789_012L];
        if (type == typeof(int))
            return [0, -1, 7, int.MaxValue, int.MinValue];
        if (type == typeof(short))
            return [(short)0, (short)-1, short.MaxValue, short.MinValue];
        if (type == typeof(byte))
            return [(byte)0, (byte)200, byte.MaxValue];
        if (type == typeof(bool))
            return [true, false];
        if (type == typeof(double))
            return [0.0, -0.0, 1.5, -12.345678901234567, 1e300, double.Epsilon, 3.0, double.MaxValue];
        if (type == typeof(float))
            return [0f, -0f, 1.5f, float.MaxValue];
        if (type == typeof(byte[]))
            return [Array.Empty<byte>(), new byte[] { 0 }, new byte[] { 1, 2, 255 }, Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray()];
        if (type == typeof(decimal))
            return [0m, 1.5m, -12.345m, decimal.MaxValue];
        if (type == typeof(DateOnly))
            return [new DateOnly(2026, 12, 6), DateOnly.MinValue];
        if (type.IsEnum)
            return [.. Enum.GetValues(type).Cast<object?>()];
        return [];
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string text => $"text of {text.Length} chars '{(text.Length > 20 ? text[..20] : text).Replace("\0", "\\0", StringComparison.Ordinal)}'",
        byte[] bytes => $"blob of {bytes.Length}",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
