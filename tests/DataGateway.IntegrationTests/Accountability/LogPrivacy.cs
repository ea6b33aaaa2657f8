using System.Text.Json;
using DataGateway.IntegrationTests.Infrastructure;

namespace DataGateway.IntegrationTests.Accountability;

/// <summary>
/// "Personal identifiers never appear in plain text in logs": the check any test can run over what a host logged.
/// Tests pass what else identifies a person in their run as <c>moreIdentifiers</c> (people they registered, account or
/// certificate numbers units answered with); identifiers added to config/personas.json or config/cases.json are
/// covered without a code change.
/// </summary>
public static class LogPrivacy
{
    private static readonly string[] IdentifierMembers = ["idNumber", "creditCode"];

    /// <summary>
    /// Every resident ID number and credit code in config/personas.json (heirs included) and config/cases.json
    /// (every party), read from the files so the list cannot fall behind them.
    /// </summary>
    public static IReadOnlyList<string> ConfigIdentifiers { get; } = LoadConfigIdentifiers();

    /// <summary>
    /// Fails naming every entry (category, event, field) whose message, exception, structured-state values or scopes
    /// hold an identifier, in any letter case.
    /// </summary>
    public static void AssertNoIdentifiers(CapturedLogs logs, IEnumerable<string>? moreIdentifiers = null)
    {
        ArgumentNullException.ThrowIfNull(logs);
        AssertNoIdentifiers(logs.Entries, moreIdentifiers);
    }

    /// <inheritdoc cref="AssertNoIdentifiers(CapturedLogs, IEnumerable{string}?)"/>
    public static void AssertNoIdentifiers(IEnumerable<CapturedLogEntry> entries, IEnumerable<string>? moreIdentifiers = null)
    {
        var leaks = FindLeaks(entries, moreIdentifiers);
        Assert.True(leaks.Count == 0, $"Log entries hold a personal identifier in plain text:{Environment.NewLine}{string.Join(Environment.NewLine, leaks)}");
    }

    /// <summary>
    /// Where identifiers appear: one line per kind of entry, field and identifier, with how often. The lines show the
    /// identifier masked: a failing test's output is a log too.
    /// </summary>
    public static IReadOnlyList<string> FindLeaks(IEnumerable<CapturedLogEntry> entries, IEnumerable<string>? moreIdentifiers = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        string[] identifiers = [.. ConfigIdentifiers.Concat(moreIdentifiers ?? []).Distinct(StringComparer.OrdinalIgnoreCase)];
        var leaks = new List<string>();
        foreach (var entry in entries)
        {
            foreach (var (where, text) in entry.Texts())
            {
                foreach (var identifier in identifiers)
                {
                    // Ordinal-ignore-case also catches a lower-case check character x and lower-case credit code letters.
                    if (text.Contains(identifier, StringComparison.OrdinalIgnoreCase))
                    {
                        leaks.Add($"  {entry} {where}: holds {Mask(identifier)}");
                    }
                }
            }
        }

        return [.. leaks.GroupBy(l => l, StringComparer.Ordinal).Select(g => g.Count() == 1 ? g.Key : $"{g.Key} (×{g.Count()})")];
    }

    private static string Mask(string identifier) =>
        identifier.Length > 10 ? identifier[..6] + new string('*', identifier.Length - 10) + identifier[^4..] : new string('*', identifier.Length);

    private static string[] LoadConfigIdentifiers()
    {
        var found = new List<string>();
        foreach (var file in new[] { "personas.json", "cases.json" })
        {
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(GatewayTestHost.ConfigDirectory, file)));
            Collect(json.RootElement, found);
        }

        return [.. found.Distinct(StringComparer.Ordinal)];
    }

    // Wherever they sit (a persona, its heirs, a case's parties): the files' shapes may grow.
    private static void Collect(JsonElement element, List<string> found)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var member in element.EnumerateObject())
                {
                    if (member.Value.ValueKind == JsonValueKind.String && IdentifierMembers.Contains(member.Name, StringComparer.Ordinal))
                    {
                        found.Add(member.Value.GetString()!);
                    }
                    else
                    {
                        Collect(member.Value, found);
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, found);
                }

                break;
        }
    }
}
