using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DataGateway.Contracts.V1;
using DataGateway.IntegrationTests.Infrastructure;
using DataGateway.Simulator.Matters;
using Grpc.Core;

namespace DataGateway.IntegrationTests.Matters;

public sealed class FeedbackTests
{
    [Fact]
    public async Task Feedback_FromAnotherUnit_IsPermissionDenied_AndAudited_AndChangesNothing()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var matter = (await host.Matters(Requests.JudgeToken).FileMatterAsync(MatterTesting.Freeze())).Matter;

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            host.Matters(MatterTesting.UnitToken(MatterTesting.OtherBank)).SubmitFeedbackAsync(MatterTesting.Completed(matter.MatterId)).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        var after = (await host.Matters(Requests.JudgeToken).GetMatterAsync(new GetMatterRequest { MatterId = matter.MatterId })).Matter;
        Assert.Equal(MatterState.Delivered, after.State);
        Assert.Null(after.Feedback);
        // Filed, the refused feedback, then the judge's read.
        Assert.Equal([("matter", "answered"), ("feedback", "denied"), ("matter", "answered")], host.AuditOf(matter.MatterId));
    }

    [Fact]
    public async Task Feedback_FromAnotherUnit_OverRest_Is403()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var matter = (await host.Matters(Requests.JudgeToken).FileMatterAsync(MatterTesting.Freeze())).Matter;
        using var rest = host.Rest(MatterTesting.UnitToken(MatterTesting.OtherBank));

        using var response = await rest.PostAsJsonAsync($"/v1/matters/{matter.MatterId}/feedback", new { outcome = "FEEDBACK_OUTCOME_COMPLETED", receiptNumber = "X-1" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Feedback_SameAnswerTwice_IsIdempotent_ADifferentOne_IsAConflict()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var matter = (await host.Matters(Requests.JudgeToken).FileMatterAsync(MatterTesting.Freeze())).Matter;
        var unit = host.Matters(MatterTesting.UnitToken(MatterTesting.Bank));

        var first = await unit.SubmitFeedbackAsync(MatterTesting.Completed(matter.MatterId));
        host.Time.Advance(TimeSpan.FromMinutes(5));
        var again = await unit.SubmitFeedbackAsync(MatterTesting.Completed(matter.MatterId));
        var conflict = await Assert.ThrowsAsync<RpcException>(() => unit.SubmitFeedbackAsync(new SubmitFeedbackRequest
        {
            MatterId = matter.MatterId,
            Outcome = FeedbackOutcome.Rejected,
            Reason = "账户已被其他法院冻结",
            ReceiptNumber = "HZ-0002",
        }).ResponseAsync);

        Assert.False(first.Duplicate);
        Assert.Equal(MatterState.Answered, first.Matter.State);
        Assert.Equal(FeedbackOutcome.Completed, first.Matter.Feedback.Outcome);
        Assert.False(first.Matter.Feedback.Late);
        Assert.True(again.Duplicate);
        Assert.Equal(first.Matter.Feedback, again.Matter.Feedback);
        Assert.Equal(StatusCode.AlreadyExists, conflict.StatusCode);
        var stored = (await host.Matters(Requests.JudgeToken).GetMatterAsync(new GetMatterRequest { MatterId = matter.MatterId })).Matter;
        Assert.Equal(first.Matter.Feedback, stored.Feedback);
        Assert.Equal([("matter", "answered"), ("feedback", "answered"), ("feedback", "answered"), ("feedback", "invalid"), ("matter", "answered")], host.AuditOf(matter.MatterId));
    }

    [Fact]
    public async Task Feedback_ConflictOverRest_Is409()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var matter = (await host.Matters(Requests.JudgeToken).FileMatterAsync(MatterTesting.Freeze())).Matter;
        using var rest = host.Rest(MatterTesting.UnitToken(MatterTesting.Bank));
        var path = $"/v1/matters/{matter.MatterId}/feedback";

        using var first = await rest.PostAsJsonAsync(path, new { outcome = "FEEDBACK_OUTCOME_COMPLETED", executedAmountYuan = "50000", receiptNumber = "HZ-1" });
        using var second = await rest.PostAsJsonAsync(path, new { outcome = "FEEDBACK_OUTCOME_COMPLETED", executedAmountYuan = "50000.00", receiptNumber = "HZ-1" });
        using var third = await rest.PostAsJsonAsync(path, new { outcome = "FEEDBACK_OUTCOME_PARTIALLY_COMPLETED", reason = "余额仅 3000 元", executedAmountYuan = "3000", receiptNumber = "HZ-1" });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.True((await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean());
        Assert.Equal(HttpStatusCode.Conflict, third.StatusCode);
    }

    [Fact]
    public async Task Feedback_AfterTheDeadline_IsRecordedAsLate()
    {
        await using var host = await GatewayTestHost.StartAsync(time: MatterTesting.ClockAt(2026, 11, 2));
        var matter = (await host.Matters(Requests.JudgeToken).FileMatterAsync(MatterTesting.Freeze())).Matter;
        host.Time.Advance(matter.Deadline.ToDateTimeOffset() - host.Time.GetUtcNow() + TimeSpan.FromHours(3));
        var overdue = (await host.Matters(Requests.JudgeToken).GetMatterAsync(new GetMatterRequest { MatterId = matter.MatterId })).Matter;

        var answered = await host.Matters(MatterTesting.UnitToken(MatterTesting.Bank)).SubmitFeedbackAsync(MatterTesting.Completed(matter.MatterId));

        Assert.Equal(MatterState.Overdue, overdue.State);
        Assert.Equal(MatterState.Answered, answered.Matter.State);
        Assert.True(answered.Matter.Feedback.Late);
    }

    [Theory]
    [InlineData("outcome", "is required")]
    [InlineData("reason", "is required when the matter was rejected")]
    [InlineData("receiptNumber", "is required")]
    [InlineData("executedAmountYuan", "must be empty when the matter was rejected")]
    public async Task Feedback_Invalid_Is400NamingTheField(string field, string reason)
    {
        await using var host = await GatewayTestHost.StartAsync();
        var matter = (await host.Matters(Requests.JudgeToken).FileMatterAsync(MatterTesting.Freeze())).Matter;
        using var rest = host.Rest(MatterTesting.UnitToken(MatterTesting.Bank));
        object body = field switch
        {
            "outcome" => new { receiptNumber = "HZ-1" },
            "reason" => new { outcome = "FEEDBACK_OUTCOME_REJECTED", receiptNumber = "HZ-1" },
            "receiptNumber" => new { outcome = "FEEDBACK_OUTCOME_COMPLETED" },
            _ => new { outcome = "FEEDBACK_OUTCOME_REJECTED", reason = "无此账户", executedAmountYuan = "1.00", receiptNumber = "HZ-1" },
        };

        using var response = await rest.PostAsJsonAsync($"/v1/matters/{matter.MatterId}/feedback", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Contains(reason, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetMatter_TheUnitSeesItsOwnMatter_AnotherUnitDoesNot()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var matter = (await host.Matters(Requests.JudgeToken).FileMatterAsync(MatterTesting.Freeze())).Matter;

        var own = await host.Matters(MatterTesting.UnitToken(MatterTesting.Bank)).GetMatterAsync(new GetMatterRequest { MatterId = matter.MatterId });
        var other = await Assert.ThrowsAsync<RpcException>(() =>
            host.Matters(MatterTesting.UnitToken(MatterTesting.OtherBank)).GetMatterAsync(new GetMatterRequest { MatterId = matter.MatterId }).ResponseAsync);

        Assert.Equal(matter.MatterId, own.Matter.MatterId);
        Assert.Equal(StatusCode.PermissionDenied, other.StatusCode);
    }

    [Fact]
    public async Task SimulatedUnits_AnswerByTheirBehaviour_PromptOnTime_LateAfterTheDeadline_SilentNever()
    {
        await using var host = await GatewayTestHost.StartAsync(time: MatterTesting.ClockAt(2026, 11, 2));
        MatterTesting.ConnectSimulatorFeedback(host);
        host.Simulator.Matters.SetBehaviour(MatterTesting.Bank, new FeedbackBehaviour { Mode = FeedbackMode.Prompt, DelayMinutes = 30 });
        host.Simulator.Matters.SetBehaviour(MatterTesting.OtherBank, new FeedbackBehaviour { Mode = FeedbackMode.Late, LateByMinutes = 120 });
        host.Simulator.Matters.SetBehaviour(MatterTesting.ThirdBank, new FeedbackBehaviour { Mode = FeedbackMode.Silent });
        var judge = host.Matters(Requests.JudgeToken);
        var prompt = (await judge.FileMatterAsync(MatterTesting.Freeze(MatterTesting.Bank))).Matter;
        var late = (await judge.FileMatterAsync(MatterTesting.Freeze(MatterTesting.OtherBank))).Matter;
        var silent = (await judge.FileMatterAsync(MatterTesting.Freeze(MatterTesting.ThirdBank))).Matter;

        host.Time.Advance(TimeSpan.FromMinutes(30));
        await Eventually.HoldsAsync(() => host.Simulator.Matters.AnswersSent == 1);
        host.Time.Advance(late.Deadline.ToDateTimeOffset() - host.Time.GetUtcNow() + TimeSpan.FromMinutes(120));
        await Eventually.HoldsAsync(() => host.Simulator.Matters.AnswersSent == 2);

        MatterState StateOf(Matter m) => judge.GetMatter(new GetMatterRequest { MatterId = m.MatterId }).Matter.State;
        var promptAnswer = judge.GetMatter(new GetMatterRequest { MatterId = prompt.MatterId }).Matter.Feedback;
        var lateAnswer = judge.GetMatter(new GetMatterRequest { MatterId = late.MatterId }).Matter.Feedback;
        Assert.Equal(MatterState.Answered, StateOf(prompt));
        Assert.False(promptAnswer.Late);
        Assert.Equal(prompt.FiledAt.ToDateTimeOffset().AddMinutes(30), promptAnswer.AnsweredAt.ToDateTimeOffset());
        Assert.Equal(MatterState.Answered, StateOf(late));
        Assert.True(lateAnswer.Late);
        Assert.Equal(MatterState.Overdue, StateOf(silent));
        Assert.Equal(0, host.Simulator.Matters.AnswersPending);
        Assert.Equal(0, host.Simulator.Matters.AnswersFailed);
    }
}
