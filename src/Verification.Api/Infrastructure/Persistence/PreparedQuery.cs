using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Linq.Expressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Persistence;

/// <summary>
/// One hot read's statement, run with plain ADO.NET and prepared once per connection, instead of through EF Core's query
/// pipeline on every request. The SQL is EF Core's own (<see cref="RelationalQueryableExtensions.CreateDbCommand"/> on
/// the LINQ query the caller gives), taken once, so what the database runs is byte for byte what the EF query would run:
/// the same joins, the same visibility rule, the same parameter types. Only the execution differs.
/// <para>
/// Why: in the profile of a claim read on SQLite (docs/performance-changes.md, fourth round) EF's execution of the
/// compiled query was a fifth of the request's CPU: opening the pooled SQLite connection (EF registers its SQL functions
/// on every open), preparing the statement again (sqlite3_prepare on every execution), the query context and the
/// shaper. Here, on SQLite, each slot is one open connection with the statement prepared on it, kept for the next
/// request (at most <see cref="MaxIdle"/> slots are kept; a burst beyond that opens more and closes them after). An idle
/// SQLite connection holds no read transaction: each execution starts its own and the reader's disposal ends it, so
/// every read sees the last commit. On PostgreSQL (and SQL Server) a slot is only the command: each execution takes a
/// connection from the driver's pool and prepares there, which Npgsql answers from the statements it already prepared
/// on that physical connection. On PostgreSQL that pool is the prepared reads' own, not reset between uses
/// (<see cref="ReadConnectionString"/>).
/// </para>
/// </summary>
public sealed class PreparedQuery : IDisposable
{
    /// <summary>Idle slots kept; more concurrent readers open slots of their own and dispose them when done.</summary>
    public const int MaxIdle = 32;

    private readonly string _sql;
    private readonly Parameter[] _parameters;
    private readonly object?[] _literals;
    private readonly string _connectionString;
    private readonly DbProviderFactory _factory;
    private readonly bool _keepConnections;
    private volatile bool _sqliteRows;
    private readonly ConcurrentBag<Slot> _idle = [];
    private int _idleCount;
    private volatile bool _disposed;

    private sealed record Parameter(int Argument, DbParameter Template, bool AsUpperText, bool AsText);

    private sealed class Slot(DbConnection connection, DbCommand command)
    {
        public DbConnection Connection { get; } = connection;
        public DbCommand Command { get; } = command;

        /// <summary>
        /// On SQLite, the same statement prepared a second time on the same connection, stepped through SQLitePCL
        /// (<see cref="ReadSqlite{T}"/>): prepared by the slot's first such read, so statements only ever read through
        /// ADO.NET hold one prepared statement per connection, not two.
        /// </summary>
        public SqliteRows? Rows { get; set; }
    }

    /// <param name="db">A context on the database to read (only its SQL generation and connection string are used).</param>
    /// <param name="query">The LINQ query, built over <paramref name="sentinels"/>: each captured value becomes a parameter.</param>
    /// <param name="sentinels">Distinct values of the query's parameters, in the order <see cref="ReadAsync{T}"/> takes them.</param>
    private PreparedQuery(VerificationDb db, IQueryable query, object[] sentinels)
    {
        using var command = query.CreateDbCommand();
        var connection = db.Database.GetDbConnection();
        _keepConnections = connection is SqliteConnection;
        _sqliteRows = _keepConnections;
        _sql = command.CommandText;
        _parameters = new Parameter[command.Parameters.Count];
        for (var i = 0; i < command.Parameters.Count; i++)
        {
            var template = command.Parameters[i];
            // A parameter that matches no sentinel is one EF Core made of a constant (a Take(1)): it keeps its value.
            var argument = Array.FindIndex(sentinels, s => Same(s, template.Value));
            // EF Core sends a GUID to SQLite as upper-case text (how it stores them); the copy must too.
            var guidAsText = argument >= 0 && sentinels[argument] is Guid
                && (template.Value is string || template is SqliteParameter { SqliteType: SqliteType.Text });
            _parameters[i] = new Parameter(argument, template,
                guidAsText && (template.Value is not string text || text == text.ToUpperInvariant()), guidAsText);
        }
        _literals = Array.ConvertAll(sentinels, s => (s as Literal)?.Value);
        _connectionString = ReadConnectionString(db.Database.GetConnectionString() ?? connection.ConnectionString, connection);
        _factory = DbProviderFactories.GetFactory(connection) ?? throw new InvalidOperationException("No ADO.NET factory for the database connection.");
    }

    /// <summary>Application name of the PostgreSQL connections that prepared reads run on (seen in pg_stat_activity).</summary>
    public const string PostgresApplicationName = "Verification prepared reads";

    /// <summary>At most this many PostgreSQL connections are open for prepared reads, besides EF Core's own pool.</summary>
    public const int MaxPostgresConnections = MaxIdle;

    /// <summary>
    /// On PostgreSQL, prepared reads take their connections from a pool of their own, whose connections are not reset when
    /// they go back to it. Npgsql resets a pooled connection that has prepared statements by prepending
    /// <c>SET SESSION AUTHORIZATION DEFAULT; RESET ALL; CLOSE ALL; UNLISTEN *; SELECT pg_advisory_unlock_all(); DISCARD
    /// SEQUENCES; DISCARD TEMP</c> to its next command: about 170 µs of the server's CPU each time (pgbench, against about
    /// 25 µs for a <c>SELECT 1</c>), paid once per prepared read, twice per partner page (the key, then the page). These
    /// connections run nothing but the prepared SELECTs of this class, outside any transaction (autocommit, each
    /// statement its own snapshot), and none of them sets, listens, locks or creates anything that outlives it, so
    /// there is no session state to reset (and Npgsql still rolls back a transaction left open, reset or not). EF Core's
    /// pool, where commands run with transactions, advisory locks and SET LOCAL, keeps its reset. The pool is bounded
    /// (<see cref="MaxPostgresConnections"/>, or EF Core's own bound if lower): a burst beyond it waits for a
    /// connection as EF Core's does. Other providers: the connection string as it is.
    /// </summary>
    internal static string ReadConnectionString(string connectionString, DbConnection connection)
    {
        if (connection is not Npgsql.NpgsqlConnection)
            return connectionString;
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true, ApplicationName = PostgresApplicationName };
        builder.MaxPoolSize = Math.Min(builder.MaxPoolSize, MaxPostgresConnections);
        builder.MinPoolSize = Math.Min(builder.MinPoolSize, builder.MaxPoolSize);
        return builder.ConnectionString;
    }

    /// <summary>Builds the prepared form of <paramref name="query"/> (see the constructor's parameters).</summary>
    public static PreparedQuery For(VerificationDb db, IQueryable query, params object[] sentinels) => new(db, query, sentinels);

    /// <summary>
    /// Builds the prepared form of a query written once as an expression for <see cref="EF.CompileAsyncQuery{TContext, TResult}(Expression{Func{TContext, TResult}})"/>
    /// (its first parameter the context, the others its arguments): the expression is applied to <paramref name="db"/>
    /// and <paramref name="sentinels"/>, each argument captured as EF Core captures a local (so it becomes a parameter),
    /// and EF Core's SQL for it is taken. One expression serves the compiled query (SQL Server) and the prepared one, so
    /// the two cannot drift apart. A body that ends in <c>FirstOrDefault</c> is run as <c>Take(1)</c>.
    /// </summary>
    public static PreparedQuery ForCompiled(VerificationDb db, LambdaExpression query, params object[] sentinels)
    {
        if (query.Parameters.Count != sentinels.Length + 1)
            throw new ArgumentException("One sentinel per argument of the query, after the context.", nameof(sentinels));
        var values = new Dictionary<ParameterExpression, Expression>
        {
            [query.Parameters[0]] = Expression.Constant(db),
        };
        for (var i = 1; i < query.Parameters.Count; i++)
        {
            var type = query.Parameters[i].Type;
            if (sentinels[i - 1] is Literal literal)
            {
                // EF.Constant: EF Core writes the value into the SQL instead of sending it as a parameter.
                values[query.Parameters[i]] = Expression.Call(EfConstant.MakeGenericMethod(type), Expression.Constant(literal.Value, type));
                continue;
            }
            var box = Activator.CreateInstance(typeof(System.Runtime.CompilerServices.StrongBox<>).MakeGenericType(type), sentinels[i - 1])!;
            values[query.Parameters[i]] = Expression.Field(Expression.Constant(box), "Value");
        }
        var body = new Substitution(values).Visit(query.Body);
        var firstOrDefault = body is MethodCallExpression { Method.Name: nameof(Queryable.FirstOrDefault), Arguments.Count: 1 } call
            && call.Method.DeclaringType == typeof(Queryable);
        if (firstOrDefault)
            body = ((MethodCallExpression)body).Arguments[0];
        // With a literal, the body is handed to EF Core as it is: run, it would call EF.Constant (which only EF Core may
        // read) to build Take's argument. Otherwise it is run, as a caller's LINQ would be.
        var queryable = sentinels.Any(s => s is Literal)
            ? ((IQueryable)db.Claims).Provider.CreateQuery(body)
            : (IQueryable)Expression.Lambda<Func<object>>(Expression.Convert(body, typeof(object))).Compile(preferInterpretation: true)();
        if (firstOrDefault)
        {
            var take = typeof(Queryable).GetMethods().Single(m => m.Name == nameof(Queryable.Take)
                && m.GetParameters()[1].ParameterType == typeof(int)).MakeGenericMethod(queryable.ElementType);
            queryable = (IQueryable)take.Invoke(null, [queryable, 1])!;
        }
        return new PreparedQuery(db, queryable, sentinels);
    }

    private static readonly System.Reflection.MethodInfo EfConstant = typeof(EF).GetMethod(nameof(EF.Constant))!;

    /// <summary>
    /// An argument of <see cref="ForCompiled"/> written into the statement as a literal, not sent as a parameter: the
    /// statement then serves that value only (<see cref="ReadAsync{T}"/> refuses another), see
    /// <see cref="PreparedQueries.GetWithLimit{TState}"/>.
    /// </summary>
    public sealed record Literal(object Value);

    private sealed class Substitution(Dictionary<ParameterExpression, Expression> values)
        : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) =>
            values.TryGetValue(node, out var value) ? value : node;
    }

    /// <summary>The statement as EF Core generated it (on SQLite, with its limits planned once: <see cref="SqliteLimitSqlGeneratorFactory"/>).</summary>
    public string Sql => _sql;

    /// <summary>Runs the statement with <paramref name="arguments"/> and reads its rows with <paramref name="read"/>.</summary>
    public async Task<T> ReadAsync<T>(Func<DbDataReader, CancellationToken, Task<T>> read, CancellationToken ct, params object[] arguments)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckLiterals(arguments);
        var slot = await RentAsync(ct);
        var keep = false;
        try
        {
            // The slot's parameters are in the order of _parameters (RentAsync adds them so).
            for (var i = 0; i < _parameters.Length; i++)
            {
                if (_parameters[i].Argument >= 0)
                    slot.Command.Parameters[i].Value = Value(_parameters[i], arguments[_parameters[i].Argument]);
            }
            if (!_keepConnections)
            {
                slot.Command.Connection = slot.Connection;
                await slot.Connection.OpenAsync(ct);
                await slot.Command.PrepareAsync(ct);
            }
            T result;
            await using (var reader = await slot.Command.ExecuteReaderAsync(CommandBehavior.Default, ct))
                result = await read(reader, ct);
            keep = true;
            return result;
        }
        finally
        {
            if (!_keepConnections)
                await slot.Connection.CloseAsync();
            Return(slot, keep);
        }
    }

    /// <summary>A statement written for a literal (a limit planned once) runs only with that very value.</summary>
    private void CheckLiterals(object[] arguments)
    {
        for (var i = 0; i < _literals.Length; i++)
        {
            if (_literals[i] is { } literal && !literal.Equals(arguments[i]))
                throw new ArgumentException($"This statement is written for {literal} as argument {i}, not {arguments[i]}.", nameof(arguments));
        }
    }

    /// <summary>Whether <see cref="ReadSqlite{T}"/> can run this statement: on SQLite, for a single statement.</summary>
    public bool ReadsSqliteRows => _keepConnections && _sqliteRows;

    /// <summary>
    /// On SQLite, runs the statement with <paramref name="arguments"/> through SQLitePCL on a kept connection and hands
    /// <paramref name="read"/> its rows (<see cref="SqliteRows"/>): the reader reads only the columns it needs, and blobs
    /// as spans, without an array per value. The same SQL and the same bindings as <see cref="ReadAsync{T}"/>; the
    /// execution ends (and its read transaction with it) before this returns, whatever <paramref name="read"/> does.
    /// </summary>
    public async Task<T> ReadSqlite<T>(Func<SqliteRows, T> read, CancellationToken ct, params object[] arguments)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!ReadsSqliteRows)
            throw new InvalidOperationException("Not a single SQLite statement.");
        CheckLiterals(arguments);
        var slot = await RentAsync(ct);
        var keep = false;
        try
        {
            var rows = slot.Rows ??= PrepareRows(slot);
            try
            {
                for (var i = 0; i < _parameters.Length; i++)
                {
                    var spec = _parameters[i];
                    rows.Bind(i, spec.Argument >= 0 ? Value(spec, arguments[spec.Argument]) : spec.Template.Value);
                }
                var result = read(rows);
                keep = true;
                return result;
            }
            finally
            {
                rows.Reset();
            }
        }
        finally
        {
            Return(slot, keep);
        }
    }

    private async ValueTask<Slot> RentAsync(CancellationToken ct)
    {
        if (_idle.TryTake(out var idle))
        {
            Interlocked.Decrement(ref _idleCount);
            return idle;
        }
        var connection = _factory.CreateConnection()!;
        connection.ConnectionString = _connectionString;
        var command = connection.CreateCommand();
        command.CommandText = _sql;
        foreach (var spec in _parameters)
            command.Parameters.Add(Copy(command, spec.Template));
        if (_keepConnections)
        {
            try
            {
                await connection.OpenAsync(ct);
                await MapAsync(connection, ct);
                await command.PrepareAsync(ct);
            }
            catch
            {
                await command.DisposeAsync();
                await connection.DisposeAsync();
                throw;
            }
        }
        return new Slot(connection, command);
    }

    /// <summary>
    /// The statement prepared through SQLitePCL on the slot's connection. A text of more than one statement cannot be
    /// stepped that way (Microsoft.Data.Sqlite would run them all): then this read fails, and from now on
    /// <see cref="ReadsSqliteRows"/> is false, so callers read through ADO.NET.
    /// </summary>
    private SqliteRows PrepareRows(Slot slot)
    {
        var rows = SqliteRows.Prepare((SqliteConnection)slot.Connection, _sql, [.. _parameters.Select(p => p.Template.ParameterName)],
            [.. _parameters.Select(p => ((SqliteParameter)p.Template).SqliteType)]);
        if (rows is not null)
            return rows;
        _sqliteRows = false;
        throw new InvalidOperationException("Not a single SQLite statement: it cannot be read through SQLitePCL.");
    }

    /// <summary>Bytes of the database file a kept SQLite connection reads through a memory map.</summary>
    public const long SqliteMapBytes = 1L << 30;

    /// <summary>
    /// A kept SQLite connection reads the file through a memory map instead of <c>pread</c> into its own 2 MB page cache:
    /// each of up to <see cref="MaxIdle"/> connections would otherwise copy the same pages (50 documents of 1.5–2 KB a
    /// page) from the kernel on every read. SQLite only reads through the map (writes still go through the WAL with
    /// <c>write</c>); the setting stays on the underlying handle when Microsoft.Data.Sqlite pools it after a burst, where
    /// it only means that EF Core's reads on it go through the map too.
    /// </summary>
    private static async Task MapAsync(DbConnection connection, CancellationToken ct)
    {
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA mmap_size = " + SqliteMapBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await pragma.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A slot goes back to the idle ones unless its execution failed (its connection may be broken) or enough are idle.</summary>
    private void Return(Slot slot, bool healthy)
    {
        if (healthy && !_disposed)
        {
            if (Interlocked.Increment(ref _idleCount) <= MaxIdle)
            {
                _idle.Add(slot);
                // Disposed meanwhile: the slot may have missed Dispose's sweep.
                while (_disposed && _idle.TryTake(out var late))
                    Close(late);
                return;
            }
            Interlocked.Decrement(ref _idleCount);
        }
        Close(slot);
    }

    private static void Close(Slot slot)
    {
        // Before the connection: Microsoft.Data.Sqlite pools its handle, which must not keep this statement.
        slot.Rows?.Dispose();
        slot.Command.Dispose();
        slot.Connection.Dispose();
    }

    private static DbParameter Copy(DbCommand command, DbParameter template)
    {
        // SQLite: the storage class alone (setting DbType.Guid first would make it a BLOB).
        if (template is SqliteParameter sqlite)
            return new SqliteParameter(sqlite.ParameterName, sqlite.SqliteType) { Value = sqlite.Value };
        if (template is ICloneable cloneable)
            return (DbParameter)cloneable.Clone();
        var copy = command.CreateParameter();
        copy.ParameterName = template.ParameterName;
        copy.DbType = template.DbType;
        copy.Size = template.Size;
        copy.Value = template.Value;
        return copy;
    }

    /// <summary>The argument as EF Core bound its sentinel: a GUID that EF sent as text is sent as text, in the same case.</summary>
    private static object Value(Parameter spec, object argument) => argument switch
    {
        Guid guid when spec.AsText => spec.AsUpperText ? guid.ToString().ToUpperInvariant() : guid.ToString(),
        null => DBNull.Value,
        _ => argument,
    };

    private static bool Same(object sentinel, object? value) => value switch
    {
        null => false,
        string text when sentinel is Guid guid => Guid.TryParse(text, out var parsed) && parsed == guid,
        _ => sentinel.Equals(value),
    };

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var slot))
            Close(slot);
    }
}

/// <summary>
/// The sentinel arguments that <see cref="PreparedQuery.For"/> and <see cref="PreparedQuery.ForCompiled"/> build a
/// statement over: each SQL parameter is matched to its argument by its value, so the values of one query must be
/// distinct (they are, across this whole set), and unlike any value a query would use as a constant.
/// </summary>
public static class Sentinel
{
    public const int Take = 987_651;
    public const long Number = 987_654_321;
    public const long Known = 987_654_322;
    public static readonly DateTime UpdatedAt = new(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
    public static readonly Guid Id = new("00000000-0000-0000-0000-00000000a001");
    public static readonly Guid Caller = new("00000000-0000-0000-0000-00000000a002");
    public const string Text = "vk_sentinel";
}

/// <summary>The prepared statements' nullable and time columns, read as EF Core's shapers read them.</summary>
public static class PreparedColumns
{
    public static long? Int64OrNull(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static byte[]? BytesOrNull(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<byte[]>(ordinal);

    /// <summary>Times are stored in UTC; SQLite hands them back without a kind (as EF Core's converter restores it).</summary>
    /// <remarks>
    /// On SQLite a time is the text EF Core writes (<c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c>), and Microsoft.Data.Sqlite reads it
    /// with <see cref="DateTime.Parse(string, IFormatProvider)"/>: on the partner page (one time per row, for the cursor)
    /// that general parser was 3% of the request's CPU (docs/performance-changes.md, ninth round). Text in exactly that
    /// form is read here digit by digit, to the same value; anything else still goes through the reader.
    /// </remarks>
    public static DateTime Utc(this DbDataReader reader, int ordinal) =>
        DateTime.SpecifyKind(
            reader is Microsoft.Data.Sqlite.SqliteDataReader sqlite && sqlite.GetFieldType(ordinal) == typeof(string)
                && TryParseStoredTime(sqlite.GetString(ordinal), out var time)
                ? time
                : reader.GetDateTime(ordinal),
            DateTimeKind.Utc);

    /// <summary>
    /// <c>yyyy-MM-dd HH:mm:ss</c> with an optional fraction of 1 to 7 digits (EF Core's SQLite form of a time), or false
    /// for any other text (left to the general parser). The value is what <see cref="DateTime.Parse(string, IFormatProvider)"/>
    /// gives with the invariant culture, without a kind.
    /// </summary>
    internal static bool TryParseStoredTime(ReadOnlySpan<char> text, out DateTime time)
    {
        time = default;
        if (text.Length < 19 || text.Length == 20 || text.Length > 27
            || text[4] != '-' || text[7] != '-' || text[10] != ' ' || text[13] != ':' || text[16] != ':'
            || (text.Length > 19 && text[19] != '.'))
            return false;
        if (!Digits(text[..4], out var year) || !Digits(text.Slice(5, 2), out var month) || !Digits(text.Slice(8, 2), out var day)
            || !Digits(text.Slice(11, 2), out var hour) || !Digits(text.Slice(14, 2), out var minute) || !Digits(text.Slice(17, 2), out var second))
            return false;
        var fraction = 0;
        if (text.Length > 19)
        {
            var digits = text[20..];
            if (!Digits(digits, out fraction))
                return false;
            for (var i = digits.Length; i < 7; i++)
                fraction *= 10;
        }
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            return false;
        time = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(fraction);
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
                return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }
}

/// <summary>
/// The prepared queries of one host (a singleton, disposed with it, which closes their kept connections), built on first
/// use: one per name, since one host serves one database.
/// </summary>
public sealed class PreparedQueries(DatabaseOptions database) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<PreparedQuery>> _queries = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether this host runs prepared reads: SQLite and PostgreSQL, the providers the tests run; SQL Server keeps EF Core's
    /// compiled queries (the same SQL, executed by EF).
    /// </summary>
    public bool Enabled { get; } = database.Provider is DatabaseProvider.Sqlite or DatabaseProvider.PostgreSql;

    /// <summary>The query named <paramref name="name"/>, built with <paramref name="build"/> over <paramref name="state"/> on first use.</summary>
    public PreparedQuery Get<TState>(string name, TState state, Func<TState, PreparedQuery> build) =>
        _queries.TryGetValue(name, out var query)
            ? query.Value
            : _queries.GetOrAdd(name, static (_, s) => new Lazy<PreparedQuery>(() => s.build(s.state)), (state, build)).Value;

    private readonly ConcurrentDictionary<(string Name, int Take), Lazy<PreparedQuery>> _withLimit = new();
    private int _withLimitCount;

    /// <summary>Page statements with their row count written in, per host (beyond it, the statement with a parameter).</summary>
    public const int MaxStatementsWithLimit = 16;

    /// <summary>Whether page statements are built with their row count written in (<see cref="GetWithLimit{TState}"/>).</summary>
    public bool WritesLimits { get; } = database.Provider is DatabaseProvider.PostgreSql;

    /// <summary>
    /// A page statement whose row count (<paramref name="take"/>, the last argument) is written into its SQL on PostgreSQL:
    /// <paramref name="build"/> gets <see cref="PreparedQuery.Literal"/> of it, or <see cref="Sentinel.Take"/> for the
    /// statement with a parameter (other providers, and page sizes beyond the first <see cref="MaxStatementsWithLimit"/>;
    /// SQLite plans its parameter once as it is written there, <see cref="SqliteLimitSqlGeneratorFactory"/>).
    /// <para>
    /// Why: PostgreSQL plans a prepared statement's <c>LIMIT $n</c> for 10% of the rows (it cannot know the value), and for
    /// thousands of rows a hash join over a sequential scan of every stored document, then a sort, is its cheaper plan.
    /// So it never keeps that generic plan and plans the statement anew on every execution (pg_prepared_statements: 0
    /// generic, all custom plans): about 450 µs of the server's CPU per page under load (pgbench, one backend: 1,400–1,470
    /// µs per execution with <c>LIMIT $1</c>, 930–1,010 µs with <c>LIMIT 51</c>), a quarter of the server's samples on the
    /// partner page (docs/performance-changes.md, seventh round). With the count written in, the plan for 51 rows is the
    /// nested loop over the ordered index, planned once per connection. A client picks its page size once and keeps it,
    /// so few statements are built; the bound keeps the server's plan caches small whatever clients send.
    /// </para>
    /// </summary>
    public PreparedQuery GetWithLimit<TState>(string name, int take, TState state, Func<TState, object, PreparedQuery> build)
    {
        if (WritesLimits)
        {
            if (_withLimit.TryGetValue((name, take), out var query))
                return query.Value;
            if (Volatile.Read(ref _withLimitCount) < MaxStatementsWithLimit)
            {
                return _withLimit.GetOrAdd((name, take), static (key, s) =>
                {
                    Interlocked.Increment(ref s.self._withLimitCount);
                    return new Lazy<PreparedQuery>(() => s.build(s.state, new PreparedQuery.Literal(key.Take)));
                }, (self: this, state, build)).Value;
            }
        }
        return Get(name, (state, build), static s => s.build(s.state, Sentinel.Take));
    }

    public void Dispose()
    {
        foreach (var query in _queries.Values.Concat(_withLimit.Values))
        {
            if (query.IsValueCreated)
                query.Value.Dispose();
        }
    }
}
