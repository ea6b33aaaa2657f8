using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace DataGateway.IntegrationTests.Accountability;

/// <summary>
/// One log call as a log sink would receive it: the rendered message, the exception as text, every structured-state
/// value and every scope value, each rendered as a sink would write it.
/// </summary>
public sealed record CapturedLogEntry(
    string Category,
    LogLevel Level,
    EventId EventId,
    string Message,
    string? Exception,
    IReadOnlyList<KeyValuePair<string, string>> State,
    IReadOnlyList<KeyValuePair<string, string>> Scopes)
{
    /// <summary>Every piece of text a sink could write for this entry, named by where it came from.</summary>
    public IEnumerable<(string Where, string Text)> Texts()
    {
        yield return ("message", Message);
        if (Exception is not null)
        {
            yield return ("exception", Exception);
        }

        foreach (var (key, value) in State)
        {
            yield return ("state " + key, value);
        }

        foreach (var (key, value) in Scopes)
        {
            yield return ("scope " + key, value);
        }
    }

    public override string ToString() => $"{Level} {Category}[{EventId.Id}]";
}

/// <summary>
/// A logger provider that keeps every entry it is given. Added to a test host (GatewayTestHost.StartAsync's
/// loggerProvider), it sits behind the app's own filter rules, so it receives what the app's configured levels let
/// through: what a production sink would get. It also reads the app's scopes, as a sink with IncludeScopes would.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedLogEntry> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    /// <summary>What was logged so far, in the order it was logged.</summary>
    public IReadOnlyList<CapturedLogEntry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    // Nothing to release; the entries stay readable after the host that logged them is gone.
    public void Dispose()
    {
    }

    private void Add<TState>(string category, LogLevel level, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var scopes = new List<KeyValuePair<string, string>>();
        _scopes.ForEachScope(static (scope, list) => list.AddRange(Pairs(scope, "scope")), scopes);
        _entries.Enqueue(new CapturedLogEntry(
            category,
            level,
            eventId,
            formatter(state, exception),
            exception?.ToString(),
            Pairs(state, "state"),
            scopes));
    }

    private static List<KeyValuePair<string, string>> Pairs(object? value, string name) => value switch
    {
        null => [],
        IEnumerable<KeyValuePair<string, object?>> pairs => [.. pairs.Select(p => KeyValuePair.Create(p.Key, Render(p.Value)))],
        _ => [KeyValuePair.Create(name, Render(value))],
    };

    /// <summary>A value as a structured sink writes it: collections element by element, the rest with ToString.</summary>
    private static string Render(object? value) => value switch
    {
        null => string.Empty,
        string text => text,
        IEnumerable items => string.Join(", ", items.Cast<object?>().Select(Render)),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private sealed class CapturingLogger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Add(category, logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
