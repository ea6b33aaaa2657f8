using System.ComponentModel.DataAnnotations;
using System.Globalization;
using DataGateway.Domain.Catalog;

namespace DataGateway.Features.Sla;

/// <summary>
/// Settings of the "Sla" section (config/sla.json): matter deadlines in working days per action and unit kind, the
/// working-day calendar, and how query outcomes are recorded for the scorecards.
/// </summary>
public sealed class SlaOptions
{
    /// <summary>Working days allowed for an action that <see cref="Actions"/> does not name. Default 5.</summary>
    [Range(1, 60)]
    public int DefaultWorkingDays { get; set; } = 5;

    /// <summary>Per action (e.g. "FREEZE"), the working days allowed and overrides per unit kind.</summary>
    public Dictionary<string, ActionDeadline> Actions { get; set; } = [];

    /// <summary>Public holidays and make-up workdays.</summary>
    [Required]
    public WorkingDayCalendarOptions Calendar { get; set; } = new();

    /// <summary>
    /// How often, in milliseconds, each replica writes the query outcomes it has counted to the store (they are also
    /// written before every scorecard read and when the gateway stops). Default 5000.
    /// </summary>
    [Range(100, 600_000)]
    public int OutcomeFlushIntervalMs { get; set; } = 5000;

    /// <summary>Days of per-minute query outcomes kept; older minutes are deleted once a day. Default 400 (a year's scorecards and then some).</summary>
    [Range(31, 3660)]
    public int OutcomeRetentionDays { get; set; } = 400;

    /// <summary>Default length of a scorecard period, in days. Default 30.</summary>
    [Range(1, 366)]
    public int DefaultPeriodDays { get; set; } = 30;

    /// <summary>Every problem, as "Sla:Path: reason"; empty when the settings are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var (action, deadline) in Actions)
        {
            if (!ControlActions.IsKnown(action))
            {
                problems.Add($"Sla:Actions:{action}: unknown action; known: {string.Join(", ", ControlActions.All)}");
            }

            if (deadline.WorkingDays is < 1 or > 60)
            {
                problems.Add($"Sla:Actions:{action}:WorkingDays must be between 1 and 60 (got {deadline.WorkingDays})");
            }

            foreach (var (kind, days) in deadline.UnitKinds)
            {
                if (!UnitKinds.TryParse(kind, out _))
                {
                    problems.Add($"Sla:Actions:{action}:UnitKinds:{kind}: unknown unit kind");
                }

                if (days is < 1 or > 60)
                {
                    problems.Add($"Sla:Actions:{action}:UnitKinds:{kind} must be between 1 and 60 (got {days})");
                }
            }
        }

        problems.AddRange(Calendar.Validate());
        return problems;
    }
}

/// <summary>The working days one action is allowed.</summary>
public sealed class ActionDeadline
{
    /// <summary>Working days for every unit kind not named in <see cref="UnitKinds"/>.</summary>
    public int WorkingDays { get; set; } = 5;

    /// <summary>Per unit kind (e.g. "Bank"), working days that differ from <see cref="WorkingDays"/>.</summary>
    public Dictionary<string, int> UnitKinds { get; set; } = [];
}

/// <summary>
/// The non-working days that are not weekends (public holidays) and the weekend days that are working days (调休
/// make-up workdays), as dates "YYYY-MM-DD". This is data announced each year, not a rule.
/// </summary>
public sealed class WorkingDayCalendarOptions
{
    /// <summary>Years the lists cover; outside them only weekends are days off.</summary>
    public List<int> CoveredYears { get; set; } = [];

    public List<string> Holidays { get; set; } = [];

    public List<string> MakeUpWorkdays { get; set; } = [];

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        Parse(Holidays, "Holidays", problems);
        var makeUp = Parse(MakeUpWorkdays, "MakeUpWorkdays", problems);
        foreach (var day in makeUp.Where(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)))
        {
            problems.Add($"Sla:Calendar:MakeUpWorkdays: {day:yyyy-MM-dd} is a {day.DayOfWeek}, already a working day");
        }

        foreach (var day in Parse(Holidays, "Holidays", []).Intersect(makeUp))
        {
            problems.Add($"Sla:Calendar: {day:yyyy-MM-dd} is both a holiday and a make-up workday");
        }

        return problems;
    }

    internal static List<DateOnly> Parse(List<string> values, string name, List<string> problems)
    {
        var days = new List<DateOnly>(values.Count);
        foreach (var value in values)
        {
            if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                days.Add(day);
            }
            else
            {
                problems.Add($"Sla:Calendar:{name}: '{value}' is not a date YYYY-MM-DD");
            }
        }

        return days;
    }
}
