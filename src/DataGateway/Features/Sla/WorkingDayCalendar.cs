using DataGateway.Domain.Catalog;

namespace DataGateway.Features.Sla;

/// <summary>
/// Working days in the district: Monday to Friday, less public holidays, plus the weekend days made working days (调休).
/// Dates are China Standard Time calendar dates.
/// </summary>
public sealed class WorkingDayCalendar
{
    private readonly HashSet<DateOnly> _holidays;
    private readonly HashSet<DateOnly> _makeUpWorkdays;

    public WorkingDayCalendar(WorkingDayCalendarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        _holidays = [.. WorkingDayCalendarOptions.Parse(options.Holidays, "Holidays", problems)];
        _makeUpWorkdays = [.. WorkingDayCalendarOptions.Parse(options.MakeUpWorkdays, "MakeUpWorkdays", problems)];
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(options));
        }

        CoveredYears = [.. options.CoveredYears];
    }

    /// <summary>Years whose holidays are known.</summary>
    public IReadOnlyList<int> CoveredYears { get; }

    public bool IsWorkingDay(DateOnly day)
    {
        if (_makeUpWorkdays.Contains(day))
        {
            return true;
        }

        return day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !_holidays.Contains(day);
    }

    /// <summary>The <paramref name="workingDays"/>-th working day after <paramref name="start"/> (which itself never counts).</summary>
    public DateOnly AddWorkingDays(DateOnly start, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workingDays);
        var day = start;
        var counted = 0;
        while (counted < workingDays)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day))
            {
                counted++;
            }
        }

        return day;
    }
}

/// <summary>A matter's deadline and the working days it was given.</summary>
public sealed record MatterDeadline(DateTimeOffset Deadline, int WorkingDays);

/// <summary>
/// Deadlines of matters: the configured working days for the action and the unit's kind, counted from the day after
/// filing (as periods are counted in Chinese procedure: the day an act happens is not counted), ending at midnight China
/// Standard Time after the last working day. A matter filed on a Saturday or a holiday thus starts counting on the next
/// working day too.
/// </summary>
public sealed class MatterDeadlines(SlaOptions options, WorkingDayCalendar calendar)
{
    /// <summary>China Standard Time has no daylight saving, so a fixed offset is exact.</summary>
    public static readonly TimeSpan DistrictOffset = TimeSpan.FromHours(8);

    public int WorkingDaysFor(string action, UnitKind unitKind)
    {
        if (!options.Actions.TryGetValue(action, out var rule))
        {
            return options.DefaultWorkingDays;
        }

        return rule.UnitKinds.TryGetValue(unitKind.ToString(), out var days) ? days : rule.WorkingDays;
    }

    public MatterDeadline For(string action, UnitKind unitKind, DateTimeOffset filedAt)
    {
        var days = WorkingDaysFor(action, unitKind);
        var filedOn = DateOnly.FromDateTime(filedAt.ToOffset(DistrictOffset).DateTime);
        var lastDay = calendar.AddWorkingDays(filedOn, days);
        var deadline = new DateTimeOffset(lastDay.AddDays(1).ToDateTime(TimeOnly.MinValue), DistrictOffset);
        return new MatterDeadline(deadline.ToUniversalTime(), days);
    }
}
