using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Verification.Api.Infrastructure.Persistence.Bulk;

/// <summary>
/// Binds one column's value to a prepared statement's parameter by position, through SQLitePCL, by the rules
/// Microsoft.Data.Sqlite applies when <c>SaveChanges</c> binds the same value through the parameter EF Core's type mapping
/// makes (its <c>SqliteValueBinder</c> and <c>SqliteParameterBinder</c>, 10.0): integers, booleans and enums as 64-bit
/// integers, GUIDs as upper-case text (a blob only if the parameter says <see cref="SqliteType.Blob"/>), times as
/// <c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c> text (a Julian day if <see cref="SqliteType.Real"/>), decimals as text, a size set
/// on the parameter truncating text and blobs, NaN refused. The bulk writer binds by position because binding by name
/// made SQLite walk the statement's parameter names for every value, and Microsoft.Data.Sqlite box and dispatch each
/// value through a new binder object.
/// </summary>
/// <remarks>
/// The parameter type and size are read once per column from the parameter EF Core's mapping creates, so a mapping
/// that configures its parameter (a GUID stored as a blob) binds as it would through EF Core. A type the rules do not
/// know is refused, as Microsoft.Data.Sqlite refuses it.
/// </remarks>
internal sealed class SqliteColumnBinding
{
    private static readonly ConcurrentDictionary<BulkTable, SqliteColumnBinding[]> Tables = new();

    private readonly SqliteType _type;
    private readonly int _size;

    private SqliteColumnBinding(SqliteType type, int size)
    {
        _type = type;
        _size = size;
    }

    public static SqliteColumnBinding[] For(BulkTable table) =>
        Tables.GetOrAdd(table, static t => [.. t.Columns.Select(For)]);

    internal static SqliteColumnBinding For(BulkColumn column)
    {
        using var command = new SqliteCommand();
        var parameter = (SqliteParameter)column.Mapping.CreateParameter(command, "p", null, column.Nullable);
        // Without a value, Size reads back what was set on the parameter (0 when nothing was); with one, its length.
        parameter.Value = DBNull.Value;
        var size = parameter.Size;
        // SqliteType reads back what the mapping set, or else the default for the value's type, which binds as no type set.
        var providerType = column.Mapping.Converter?.ProviderClrType ?? column.Mapping.ClrType;
        parameter.Value = Sample(Nullable.GetUnderlyingType(providerType) ?? providerType);
        return new SqliteColumnBinding(parameter.SqliteType, size);
    }

    /// <summary>The binding of a parameter with this type set (null: none) and this size (0: none).</summary>
    internal static SqliteColumnBinding Of(SqliteType? type, int size) =>
        // Every rule asks whether the type is Real, Blob or Integer; no type set answers no to each, as Text does.
        new(type ?? SqliteType.Text, size);

    private static object Sample(Type type) =>
        type == typeof(string) ? string.Empty
        : type == typeof(byte[]) ? Array.Empty<byte>()
        : type.IsValueType ? Activator.CreateInstance(type)!
        : throw new InvalidOperationException($"{type.Name} has no SQLite binding rule.");

    /// <summary>Binds <paramref name="value"/> (the provider's value, null for SQL NULL) to parameter <paramref name="index"/> (from 1).</summary>
    /// <param name="utf8">A buffer the text is encoded into before SQLite copies it; grown when too small.</param>
    public void Bind(sqlite3_stmt statement, int index, object? value, ref byte[] utf8)
    {
        var rc = value switch
        {
            null or DBNull => raw.sqlite3_bind_null(statement, index),
            string text => BindText(statement, index, text, ref utf8),
            Guid guid => _type == SqliteType.Blob
                ? BindBlob(statement, index, guid.ToByteArray())
                : BindGuidText(statement, index, guid, ref utf8),
            long number => raw.sqlite3_bind_int64(statement, index, number),
            int number => raw.sqlite3_bind_int64(statement, index, number),
            bool flag => raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0),
            DateTime time => _type == SqliteType.Real
                ? BindReal(statement, index, ToJulianDay(time.Year, time.Month, time.Day, time.Hour, time.Minute, time.Second, time.Millisecond))
                : BindTimeText(statement, index, time, ref utf8),
            double real => BindReal(statement, index, real),
            float real => BindReal(statement, index, real),
            byte[] bytes => BindBlob(statement, index, bytes),
            short number => raw.sqlite3_bind_int64(statement, index, number),
            byte number => raw.sqlite3_bind_int64(statement, index, number),
            sbyte number => raw.sqlite3_bind_int64(statement, index, number),
            ushort number => raw.sqlite3_bind_int64(statement, index, number),
            uint number => raw.sqlite3_bind_int64(statement, index, number),
            ulong number => raw.sqlite3_bind_int64(statement, index, unchecked((long)number)),
            char letter => _type == SqliteType.Integer
                ? raw.sqlite3_bind_int64(statement, index, letter)
                : BindText(statement, index, new string(letter, 1), ref utf8),
            decimal number => BindText(statement, index, number.ToString("0.0###########################", CultureInfo.InvariantCulture), ref utf8),
            DateTimeOffset time => _type == SqliteType.Real
                ? BindReal(statement, index, ToJulianDay(time.DateTime.Year, time.DateTime.Month, time.DateTime.Day, time.DateTime.Hour, time.DateTime.Minute, time.DateTime.Second, time.DateTime.Millisecond))
                : BindText(statement, index, time.ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFFzzz", CultureInfo.InvariantCulture), ref utf8),
            DateOnly date => _type == SqliteType.Real
                ? BindReal(statement, index, ToJulianDay(date.Year, date.Month, date.Day, 0, 0, 0, 0))
                : BindText(statement, index, date.ToString(@"yyyy\-MM\-dd", CultureInfo.InvariantCulture), ref utf8),
            TimeOnly time => _type == SqliteType.Real
                ? BindReal(statement, index, (time.Hour * 3600000 + time.Minute * 60000 + (long)((time.Second + time.Millisecond / 1000.0) * 1000)) / 86400000.0)
                : BindText(statement, index, time.ToString(time.Ticks % 10000000 == 0 ? "HH:mm:ss" : "HH:mm:ss.fffffff", CultureInfo.InvariantCulture), ref utf8),
            TimeSpan span => _type == SqliteType.Real
                ? BindReal(statement, index, span.TotalDays)
                : BindText(statement, index, span.ToString("c"), ref utf8),
            Enum member => Type.GetTypeCode(member.GetType()) == TypeCode.UInt64
                ? raw.sqlite3_bind_int64(statement, index, unchecked((long)Convert.ToUInt64(member, CultureInfo.InvariantCulture)))
                : raw.sqlite3_bind_int64(statement, index, Convert.ToInt64(member, CultureInfo.InvariantCulture)),
            _ => throw new InvalidOperationException($"No SQLite binding rule for {value.GetType().Name}."),
        };
        if (rc != raw.SQLITE_OK)
            SqliteException.ThrowExceptionForRC(rc, raw.sqlite3_db_handle(statement));
    }

    private int BindGuidText(sqlite3_stmt statement, int index, Guid guid, ref byte[] utf8)
    {
        // The "D" form is ASCII: upper-casing its bytes is ToUpperInvariant.
        if (_size is > 0 and < 36 || !guid.TryFormat(utf8, out var length, "D"))
            return BindText(statement, index, guid.ToString().ToUpperInvariant(), ref utf8);
        for (var i = 0; i < length; i++)
        {
            if (utf8[i] is >= (byte)'a' and <= (byte)'f')
                utf8[i] -= 'a' - 'A';
        }
        return raw.sqlite3_bind_text(statement, index, utf8.AsSpan(0, length));
    }

    private int BindTimeText(sqlite3_stmt statement, int index, DateTime time, ref byte[] utf8)
    {
        const string format = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF";
        if (_size > 0 || !time.TryFormat(utf8, out var length, format, CultureInfo.InvariantCulture))
            return BindText(statement, index, time.ToString(format, CultureInfo.InvariantCulture), ref utf8);
        return raw.sqlite3_bind_text(statement, index, utf8.AsSpan(0, length));
    }

    private static int BindReal(sqlite3_stmt statement, int index, double value) =>
        double.IsNaN(value)
            ? throw new InvalidOperationException("SQLite cannot store NaN.")
            : raw.sqlite3_bind_double(statement, index, value);

    private int BindBlob(sqlite3_stmt statement, int index, byte[] bytes) =>
        raw.sqlite3_bind_blob(statement, index, _size > 0 && bytes.Length > _size ? bytes.AsSpan(0, _size) : bytes);

    private int BindText(sqlite3_stmt statement, int index, string text, ref byte[] utf8)
    {
        if (_size > 0 && text.Length > _size)
            text = text[.._size];
        // Microsoft.Data.Sqlite passes the string and SQLitePCL encodes it into a new array; the same UTF-8 bytes (lone
        // surrogates replaced alike, an empty text and a NUL kept alike: SqliteColumnBindingTests) go from a reused buffer.
        var most = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (utf8.Length < most)
            utf8 = new byte[Math.Max(most, utf8.Length * 2)];
        var length = Encoding.UTF8.GetBytes(text, utf8);
        return raw.sqlite3_bind_text(statement, index, utf8.AsSpan(0, length));
    }

    // Microsoft.Data.Sqlite's conversion (SQLite's computeJD), to the millisecond.
    private static double ToJulianDay(int year, int month, int day, int hour, int minute, int second, int millisecond)
    {
        if (month <= 2)
        {
            year--;
            month += 12;
        }
        var a = year / 100;
        var b = 2 - a + a / 4;
        var x1 = 36525 * (year + 4716) / 100;
        var x2 = 306001 * (month + 1) / 10000;
        var jd = (long)((x1 + x2 + day + b - 1524.5) * 86400000);
        jd += hour * 3600000 + minute * 60000 + (long)((second + millisecond / 1000.0) * 1000);
        return jd / 86400000.0;
    }
}
