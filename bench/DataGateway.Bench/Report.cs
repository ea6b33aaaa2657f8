using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DataGateway.Bench;

/// <summary>One line of the results table: what was measured, the gateway's figure, its baseline, and the target.</summary>
internal sealed record ResultRow(string Scenario, string Measure, string Gateway, string Baseline, string Ratio, string Target, bool? Met);

/// <summary>What a scenario found: table rows, plus every raw figure for the JSON file.</summary>
internal sealed class ScenarioResult(string id, string title)
{
    public string Id { get; } = id;

    public string Title { get; } = title;

    public List<ResultRow> Rows { get; } = [];

    public SortedDictionary<string, object?> Figures { get; } = new(StringComparer.Ordinal);

    public List<string> Notes { get; } = [];

    public void Row(string measure, string gateway, string baseline, string ratio, string target, bool? met) =>
        Rows.Add(new ResultRow(Id.ToUpperInvariant(), measure, gateway, baseline, ratio, target, met));

    /// <summary>Records an open-loop run's figures under <paramref name="name"/>.</summary>
    public void Figure(string name, LoadResult run)
    {
        Figures[name] = new
        {
            targetRate = Round(run.TargetRate),
            achievedRate = Round(run.AchievedRate),
            sent = run.Sent,
            failed = run.Failed,
            incomplete = run.Incomplete,
            p50Ms = Round(run.Latencies.P50Ms),
            p90Ms = Round(run.Latencies.P90Ms),
            p99Ms = Round(run.Latencies.P99Ms),
            p999Ms = Round(run.Latencies.P999Ms),
            maxMs = Round(run.Latencies.MaxMs),
        };
    }

    public static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 3) : -1;
}

internal static class Report
{
    public static string Ms(double value) => double.IsFinite(value) ? value.ToString("0.0", CultureInfo.InvariantCulture) + " ms" : "n/a";

    public static string Ratio(double value) => double.IsFinite(value) ? value.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "n/a";

    public static string N(double value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    public static string Markdown(IReadOnlyList<ScenarioResult> results, string environment)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Environment: {environment}");
        text.AppendLine();
        text.AppendLine("| Scenario | Measure | Gateway | Baseline | Ratio | Target | Met |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var row in results.SelectMany(r => r.Rows))
        {
            var met = row.Met switch { true => "yes", false => "**no**", null => "" };
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Scenario} | {row.Measure} | {row.Gateway} | {row.Baseline} | {row.Ratio} | {row.Target} | {met} |");
        }

        var notes = results.SelectMany(r => r.Notes.Select(n => $"- {r.Id.ToUpperInvariant()}: {n}")).ToList();
        if (notes.Count > 0)
        {
            text.AppendLine();
            foreach (var note in notes)
            {
                text.AppendLine(note);
            }
        }

        return text.ToString();
    }

    public static string Json(IReadOnlyList<ScenarioResult> results, string environment, BenchSettings settings, IReadOnlyList<double> gatewayWarmUps) =>
        JsonSerializer.Serialize(
            new
            {
                environment,
                startedAt = settings.StartedAt,
                smoke = settings.Smoke,
                durationSeconds = settings.Duration.TotalSeconds,
                gatewayWarmUpSeconds = settings.GatewayWarmUp.TotalSeconds,
                // How long each newly started gateway was warmed in fact (until its JIT settled); negative: it had not.
                gatewayWarmedSeconds = gatewayWarmUps,
                s1Rate = settings.S1Rate,
                scenarios = results.Select(r => new { id = r.Id, title = r.Title, rows = r.Rows, figures = r.Figures, notes = r.Notes }),
            },
            JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
