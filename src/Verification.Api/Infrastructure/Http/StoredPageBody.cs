using System.Buffers;
using System.Text;

namespace Verification.Api.Infrastructure.Http;

/// <summary>
/// The body of a list page of stored documents, <c>{"items":[…],"nextCursor":…}</c> (the bytes <c>Page&lt;T&gt;</c>
/// serializes to), composed in one buffer rented from the shared pool: each stored document is copied in while the
/// reader is on its row, so no <c>byte[]</c> is made per document, and the page is then written with one call.
/// </summary>
/// <remarks>
/// Why: a page of 50 allocated about 75 KB in one array per document (Microsoft.Data.Sqlite and EF Core copy a blob into
/// a new array), and writing the page item by item took Kestrel's response lock twice per item (<c>GetSpan</c> and
/// <c>Advance</c> of its output producer); one <c>WriteAsync</c> of the whole body takes it once
/// (docs/performance-changes.md, tenth round). A claim whose stored document is not current is a
/// <see cref="Pending"/> place, filled by <see cref="Resolve"/> with a freshly built document (or left out), in the
/// page's order. Disposed by <see cref="StoredPageResult"/> once written; a body never written is left to the collector.
/// </remarks>
public sealed class StoredPageBody : IDisposable
{
    private static ReadOnlySpan<byte> Open => "{\"items\":["u8;
    private static ReadOnlySpan<byte> Close => "],\"nextCursor\":"u8;
    private static ReadOnlySpan<byte> Null => "null"u8;

    private byte[] _buffer;
    private int _length;
    private readonly List<Item> _items;
    private List<(int Index, Guid Id)>? _pending;
    private ReadOnlyMemory<byte> _body;
    private bool _finished;

    /// <summary>An item: its bytes in the buffer, or a pending place (<see cref="Start"/> -1) and what filled it.</summary>
    private record struct Item(int Start, int Length, byte[]? Fresh);

    /// <param name="capacity">Bytes expected (a page's documents): the buffer grows past it if needed.</param>
    /// <param name="items">Items expected.</param>
    public StoredPageBody(int capacity = 16 * 1024, int items = 16)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 256));
        Open.CopyTo(_buffer);
        _length = Open.Length;
        _items = new List<Item>(items);
    }

    /// <summary>Items added so far (pending places included).</summary>
    public int Count => _items.Count;

    /// <summary>The claims whose place is still empty, with their place in the page.</summary>
    public IReadOnlyList<(int Index, Guid Id)> Pending => (IReadOnlyList<(int Index, Guid Id)>?)_pending ?? [];

    /// <summary>Appends a stored document as it is.</summary>
    public void Add(ReadOnlySpan<byte> json) => json.CopyTo(Reserve(json.Length));

    /// <summary>Appends room for a document of <paramref name="length"/> bytes, which the caller fills at once.</summary>
    public ArraySegment<byte> Reserve(int length)
    {
        Writable();
        // By the count, not the length: an empty document is an item too, and is followed by its comma.
        var comma = _items.Count > 0 ? 1 : 0;
        Grow(comma + length);
        if (comma == 1)
            _buffer[_length++] = (byte)',';
        var start = _length;
        _length += length;
        _items.Add(new Item(start, length, null));
        return new ArraySegment<byte>(_buffer, start, length);
    }

    /// <summary>A place for the claim <paramref name="id"/>, whose stored document is missing or not current.</summary>
    public void AddPending(Guid id)
    {
        Writable();
        (_pending ??= []).Add((_items.Count, id));
        _items.Add(new Item(-1, 0, null));
    }

    /// <summary>
    /// Fills each pending place with <paramref name="fresh"/>'s document for its claim; a claim it has none for is left
    /// out of the page (it is no longer one the caller may list).
    /// </summary>
    public void Resolve(Func<Guid, byte[]?> fresh)
    {
        Writable();
        foreach (var (index, id) in Pending)
            _items[index] = _items[index] with { Fresh = fresh(id) };
    }

    /// <summary>Ends the page with its next cursor (base64url, or null for the last page).</summary>
    public void Finish(string? nextCursor)
    {
        Writable();
        // A cursor is base64url: nothing in it needs escaping in a JSON string.
        var cursorLength = nextCursor is null ? Null.Length : nextCursor.Length + 2;
        if (_pending is not null)
            Compose();
        Grow(Close.Length + cursorLength + 1);
        Close.CopyTo(_buffer.AsSpan(_length));
        _length += Close.Length;
        if (nextCursor is null)
        {
            Null.CopyTo(_buffer.AsSpan(_length));
            _length += Null.Length;
        }
        else
        {
            _buffer[_length++] = (byte)'"';
            _length += Encoding.ASCII.GetBytes(nextCursor, _buffer.AsSpan(_length));
            _buffer[_length++] = (byte)'"';
        }
        _buffer[_length++] = (byte)'}';
        _body = _buffer.AsMemory(0, _length);
        _finished = true;
    }

    /// <summary>The whole body, once <see cref="Finish"/>ed; valid until disposed.</summary>
    public ReadOnlyMemory<byte> Body => _finished ? _body : throw new InvalidOperationException("The page is not finished.");

    /// <summary>The items in order, pending places filled or left out, copied into a new buffer.</summary>
    private void Compose()
    {
        var old = _buffer;
        var size = Open.Length + _items.Count;
        foreach (var item in _items)
            size += item.Start >= 0 ? item.Length : item.Fresh?.Length ?? 0;
        _buffer = ArrayPool<byte>.Shared.Rent(size + 64);
        Open.CopyTo(_buffer);
        _length = Open.Length;
        var written = 0;
        foreach (var item in _items)
        {
            var bytes = item.Start >= 0 ? old.AsSpan(item.Start, item.Length) : item.Fresh is { } fresh ? fresh : default;
            if (item.Start < 0 && item.Fresh is null)
                continue;
            if (written++ > 0)
                _buffer[_length++] = (byte)',';
            bytes.CopyTo(_buffer.AsSpan(_length));
            _length += bytes.Length;
        }
        ArrayPool<byte>.Shared.Return(old);
    }

    private void Writable()
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        if (_finished)
            throw new InvalidOperationException("The page is finished.");
    }

    public void Dispose()
    {
        if (_buffer.Length == 0)
            return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _body = default;
    }

    private void Grow(int more)
    {
        if (_length + more <= _buffer.Length)
            return;
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + more));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
