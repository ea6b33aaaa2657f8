using DataGateway.Contracts.V1;
using DataGateway.Features.Matters;

namespace DataGateway.IntegrationTests.Matters;

public sealed class MatterLifecycleTests
{
    private static readonly DateTimeOffset Deadline = new(2026, 10, 10, 0, 0, 0, TimeSpan.FromHours(8));

    private static MatterRecord Matter(string state, string? outcome = null, string? receipt = null) => new()
    {
        MatterId = "m-1",
        CaseNumber = "(2024)浙0604执1234号",
        Action = "FREEZE",
        UnitId = "bank-sxrcb",
        UnitKind = "Bank",
        SubjectKind = "person",
        SubjectMasked = "330682********0113",
        SubjectName = "王建军",
        SubjectHash = "h",
        NoticeNumber = "n",
        FiledBy = "judge-wang",
        RequesterHash = "r",
        FiledAtMs = Deadline.AddDays(-2).ToUnixTimeMilliseconds(),
        DeadlineMs = Deadline.ToUnixTimeMilliseconds(),
        DeadlineWorkingDays = 1,
        State = state,
        Outcome = outcome,
        ReceiptNumber = receipt,
        Reason = outcome is null ? null : string.Empty,
    };

    [Theory]
    [InlineData(MatterLifecycle.Dispatched, -1, MatterState.Dispatched)]
    [InlineData(MatterLifecycle.Delivered, -1, MatterState.Delivered)]
    [InlineData(MatterLifecycle.Dispatched, 0, MatterState.Overdue)]
    [InlineData(MatterLifecycle.Delivered, 0, MatterState.Overdue)]
    [InlineData(MatterLifecycle.Answered, 5, MatterState.Answered)]
    [InlineData(MatterLifecycle.Filing, -1, MatterState.Unspecified)]
    public void StateAt_StoredStateAndClock_IsTheStateTheCallerSees(string stored, int minutesFromDeadline, MatterState expected)
    {
        var state = MatterLifecycle.StateAt(Matter(stored, stored == MatterLifecycle.Answered ? "completed" : null), Deadline.AddMinutes(minutesFromDeadline));

        Assert.Equal(expected, state);
    }

    [Fact]
    public void ShouldDeliver_OnlyWhileDispatchedAndBeforeTheDeadline()
    {
        Assert.True(MatterLifecycle.ShouldDeliver(Matter(MatterLifecycle.Dispatched), Deadline.AddTicks(-1)));
        Assert.False(MatterLifecycle.ShouldDeliver(Matter(MatterLifecycle.Dispatched), Deadline));
        Assert.False(MatterLifecycle.ShouldDeliver(Matter(MatterLifecycle.Delivered), Deadline.AddDays(-1)));
        Assert.False(MatterLifecycle.ShouldDeliver(Matter(MatterLifecycle.Filing), Deadline.AddDays(-1)));
    }

    [Fact]
    public void IsLate_AnAnswerAtTheDeadline_IsLate_AndOneJustBefore_IsNot()
    {
        Assert.True(MatterLifecycle.IsLate(Matter(MatterLifecycle.Delivered), Deadline));
        Assert.False(MatterLifecycle.IsLate(Matter(MatterLifecycle.Delivered), Deadline.AddMilliseconds(-1)));
    }

    [Fact]
    public void Decide_FirstAnswer_IsRecorded_SameAgain_IsDuplicate_DifferentAgain_IsConflict()
    {
        var first = new FeedbackAnswer(FeedbackOutcome.Completed, string.Empty, "50000.00", "HZ-1");
        Assert.Equal(FeedbackDecision.Record, MatterLifecycle.Decide(Matter(MatterLifecycle.Dispatched), first));
        Assert.Equal(FeedbackDecision.Record, MatterLifecycle.Decide(Matter(MatterLifecycle.Delivered), first));

        var answered = Matter(MatterLifecycle.Answered, "completed", "HZ-1") with { ExecutedAmountYuan = "50000.00" };
        Assert.Equal(FeedbackDecision.Duplicate, MatterLifecycle.Decide(answered, first));
        Assert.Equal(FeedbackDecision.Conflict, MatterLifecycle.Decide(answered, first with { Outcome = FeedbackOutcome.Rejected, ExecutedAmountYuan = null, Reason = "已轮候" }));
        Assert.Equal(FeedbackDecision.Conflict, MatterLifecycle.Decide(answered, first with { ReceiptNumber = "HZ-2" }));
        Assert.Equal(FeedbackDecision.Conflict, MatterLifecycle.Decide(answered, first with { ExecutedAmountYuan = "40000.00" }));
    }
}
