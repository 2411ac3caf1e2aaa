using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Verification.Api.Infrastructure.Persistence.Bulk;

/// <summary>
/// Whether a new row, read back right after a bulk writer stored it, would give the very values its object holds, on
/// every provider: so that what is derived from the row (record states, stored documents, search text) can be computed
/// from the object without reading the row back. Decided column by column on the values the writer stores
/// (<see cref="BulkTable"/>, value converters applied), and conservatively: any value a database could store otherwise
/// than it was given, or of a type not known here, makes the answer no, and the row is then read back as usual.
/// <list type="bullet">
/// <item>A time with a fraction finer than a microsecond: PostgreSQL keeps microseconds.</item>
/// <item>A negative zero: SQLite stores a whole REAL as an integer, and reads -0.0 back as 0.</item>
/// <item>Text that is not well-formed UTF-16 (a lone surrogate): SQLite and PostgreSQL store UTF-8 and replace it.</item>
/// <item>Text with a NUL character: PostgreSQL refuses it (the validators refuse it first).</item>
/// <item>A fixed-length text shorter than its length: PostgreSQL pads it.</item>
/// </list>
/// The same rule decides for a claim inserted through the change tracker (<see cref="Pipeline.ClaimSnapshot.StandsInForItsRow"/>),
/// on its model values with their value converters applied.
/// </summary>
public static class StoredAsWritten
{
    /// <summary>A time as every provider stores it: whole microseconds (PostgreSQL's resolution).</summary>
    public static DateTime Time(DateTime time) => new(time.Ticks - time.Ticks % 10, time.Kind);

    public static bool Holds<T>(DbContext db, T row, PreparedColumnValues? prepared = null) where T : class
    {
        foreach (var column in BulkTable.For<T>(db).Columns)
        {
            if (!Exact(column.Value(row, prepared)))
                return false;
        }
        return true;
    }

    /// <summary>Whether <paramref name="value"/> of a tracked <paramref name="property"/> reads back as it is (its converter applied first).</summary>
    public static bool ReadsBackAsIs(IProperty property, object? value)
    {
        if (value is not null && (property.GetValueConverter() ?? property.GetTypeMapping().Converter) is { } converter)
            value = converter.ConvertToProvider(value);
        return value is string text && property.IsFixedLength() == true
            ? text.Length == property.GetMaxLength() && WellFormed(text)
            : Exact(value);
    }

    private static bool Exact(object? value) => value switch
    {
        null => true,
        string text => WellFormed(text),
        DateTime time => time.Ticks % 10 == 0,
        double real => double.IsFinite(real) && !(real == 0 && double.IsNegative(real)),
        float real => float.IsFinite(real) && !(real == 0 && float.IsNegative(real)),
        Guid or long or int or short or byte or bool or DateOnly or byte[] => true,
        _ => false,
    };

    private static bool WellFormed(string text)
    {
        var span = text.AsSpan();
        if (span.Contains('\0'))
            return false;
        if (!span.ContainsAnyInRange('\uD800', '\uDFFF'))
            return true;
        for (var i = 0; i < span.Length; i++)
        {
            if (char.IsHighSurrogate(span[i]) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
                i++;
            else if (char.IsSurrogate(span[i]))
                return false;
        }
        return true;
    }
}
