using DataGateway.Domain.Catalog;
using DataGateway.Features.Sla;
using DataGateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace DataGateway.IntegrationTests.Matters;

public sealed class WorkingDayDeadlineTests
{
    private static readonly SlaOptions Shipped = new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(GatewayTestHost.ConfigDirectory, "sla.json"))
        .Build()
        .GetSection("Sla")
        .Get<SlaOptions>()!;

    private static readonly MatterDeadlines Deadlines = new(Shipped, new WorkingDayCalendar(Shipped.Calendar));

    private static DateTimeOffset Cst(int year, int month, int day, int hour = 0) => new(year, month, day, hour, 0, 0, MatterTesting.Cst);

    [Fact]
    public void ShippedSettings_AreValid_AndCover2025And2026()
    {
        Assert.Empty(Shipped.Validate());
        Assert.Equal([2025, 2026], Shipped.Calendar.CoveredYears);
    }

    [Theory]
    // National Day 2026: Oct 1-7 off, Saturday Oct 10 a make-up workday.
    [InlineData("2026-10-01", false)]
    [InlineData("2026-10-07", false)]
    [InlineData("2026-10-08", true)]
    [InlineData("2026-10-10", true)]
    [InlineData("2026-10-11", false)]
    // Spring Festival 2025 with its make-up Sunday and Saturday.
    [InlineData("2025-01-26", true)]
    [InlineData("2025-02-04", false)]
    [InlineData("2025-02-08", true)]
    // An ordinary Friday and Saturday.
    [InlineData("2026-11-27", true)]
    [InlineData("2026-11-28", false)]
    public void Calendar_KnowsHolidaysWeekendsAndMakeUpDays(string date, bool working)
    {
        var calendar = new WorkingDayCalendar(Shipped.Calendar);

        Assert.Equal(working, calendar.IsWorkingDay(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Deadline_AcrossAHolidayAndAWeekend_SkipsBoth()
    {
        // Filed Thursday 24 Sep 2026; Friday 25 is Mid-Autumn, 26-27 the weekend: the 2 working days are 28 and 29 Sep.
        var deadline = Deadlines.For(ControlActions.Seal, UnitKind.RealEstateRegistry, Cst(2026, 9, 24, 10));

        Assert.Equal(2, deadline.WorkingDays);
        Assert.Equal(Cst(2026, 9, 30), deadline.Deadline);
    }

    [Fact]
    public void Deadline_ThroughNationalDay_CountsTheMakeUpSaturday()
    {
        // Filed Wednesday 30 Sep 2026; 1-7 Oct off; 8, 9 and Saturday 10 Oct are the 3 working days of a seal elsewhere.
        var seal = Deadlines.For(ControlActions.Seal, UnitKind.LandResources, Cst(2026, 9, 30, 16));
        var bankFreeze = Deadlines.For(ControlActions.Freeze, UnitKind.Bank, Cst(2026, 9, 30, 16));

        Assert.Equal(Cst(2026, 10, 11), seal.Deadline);
        Assert.Equal(Cst(2026, 10, 9), bankFreeze.Deadline);
    }

    [Fact]
    public void Deadline_FiledOnASaturday_StartsCountingOnMonday()
    {
        var deadline = Deadlines.For(ControlActions.Freeze, UnitKind.Bank, Cst(2026, 11, 28, 9));

        Assert.Equal(Cst(2026, 12, 1), deadline.Deadline);
    }

    [Fact]
    public void Deadline_FiledLateInTheEveningUtc_UsesTheChinaDate()
    {
        // 17:00 UTC on Friday is 01:00 on Saturday in Shangyu: the filing day is Saturday, so Monday is the 1st working day.
        var deadline = Deadlines.For(ControlActions.Freeze, UnitKind.Bank, new DateTimeOffset(2026, 11, 27, 17, 0, 0, TimeSpan.Zero));

        Assert.Equal(Cst(2026, 12, 1), deadline.Deadline);
    }

    [Fact]
    public void WorkingDays_UnitKindOverride_WinsOverTheAction_AndUnknownActionsTakeTheDefault()
    {
        Assert.Equal(1, Deadlines.WorkingDaysFor(ControlActions.Freeze, UnitKind.Bank));
        Assert.Equal(2, Deadlines.WorkingDaysFor(ControlActions.Freeze, UnitKind.Securities));
        Assert.Equal(Shipped.DefaultWorkingDays, new MatterDeadlines(new SlaOptions(), new WorkingDayCalendar(new())).WorkingDaysFor(ControlActions.Seal, UnitKind.Bank));
    }

    [Fact]
    public void Settings_UnknownActionOrKindOrBadDate_AreReportedByPath()
    {
        var bad = new SlaOptions
        {
            Actions = { ["SEIZE"] = new ActionDeadline { WorkingDays = 3 }, ["SEAL"] = new ActionDeadline { WorkingDays = 3, UnitKinds = { ["Bakery"] = 2 } } },
            Calendar = new WorkingDayCalendarOptions { Holidays = ["2026-13-01"], MakeUpWorkdays = ["2026-10-12"] },
        };

        var problems = bad.Validate();

        Assert.Contains(problems, p => p.StartsWith("Sla:Actions:SEIZE", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Sla:Actions:SEAL:UnitKinds:Bakery", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("2026-13-01", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("2026-10-12 is a Monday", StringComparison.Ordinal));
    }
}
