using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Verification.Api.Tests.Infrastructure;

/// <summary>
/// A logger provider that keeps every line at every level: the formatted message, each structured value, every scope
/// and any exception, which is everything a log sink (the JSON console included) could write.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(string line) => _lines.Enqueue(line);

    private static string Describe(object? state) => state switch
    {
        null => string.Empty,
        IEnumerable<KeyValuePair<string, object?>> pairs => state + " | " + string.Join(" | ", pairs.Select(p => $"{p.Key}={Flatten(p.Value)}")),
        _ => state.ToString() ?? string.Empty,
    };

    private static string Flatten(object? value) => value switch
    {
        null => "null",
        string s => s,
        System.Collections.IEnumerable items => string.Join(",", items.Cast<object?>().Select(i => i?.ToString())),
        _ => value.ToString() ?? string.Empty,
    };

    private sealed class CapturingLogger(LogCapture capture, string category) : ILogger
    {
        public IDisposable BeginScope<TState>(TState state) where TState : notnull
        {
            capture.Add($"[scope] {category}: {Describe(state)}");
            return Scope.Instance;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            capture.Add($"[{logLevel}] {category}: {formatter(state, exception)} | {Describe(state)}{(exception is null ? "" : " | " + exception)}");
        }
    }

    private sealed class Scope : IDisposable
    {
        public static readonly Scope Instance = new();

        public void Dispose()
        {
        }
    }
}
