using DataGateway.Contracts.V1;

namespace DataGateway.Features.Units;

/// <summary>One naming of unit statuses for the audit trail ("NOT_FOUND") and metric labels ("not_found").</summary>
internal static class UnitStatusNames
{
    private static readonly string[] Names = Enum.GetValues<UnitStatus>()
        .Select(s => s.ToString() switch
        {
            "Ok" => "OK",
            "NotFound" => "NOT_FOUND",
            "CircuitOpen" => "CIRCUIT_OPEN",
            var other => other.ToUpperInvariant(),
        })
        .ToArray();

    private static readonly string[] Labels = [.. Names.Select(n => n.ToLowerInvariant())];

    public static string Name(UnitStatus status) => (int)status < Names.Length ? Names[(int)status] : "UNSPECIFIED";

    public static string Label(UnitStatus status) => (int)status < Labels.Length ? Labels[(int)status] : "unspecified";

    /// <summary>Per-status counts, e.g. "OK=3 NOT_FOUND=30 TIMEOUT=1", so the audit trail shows how complete an answer was.</summary>
    public static string Tally(IEnumerable<UnitStatus> statuses) =>
        string.Join(' ', statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{Name(g.Key)}={g.Count()}"));

    public static string Tally(IEnumerable<UnitAnswer> answers) => Tally(answers.Select(a => a.Status));
}
