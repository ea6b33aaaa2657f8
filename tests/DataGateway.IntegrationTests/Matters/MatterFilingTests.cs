using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DataGateway.Contracts.V1;
using DataGateway.IntegrationTests.Infrastructure;
using DataGateway.Simulator;
using Grpc.Core;

namespace DataGateway.IntegrationTests.Matters;

public sealed class MatterFilingTests
{
    [Fact]
    public async Task FileMatter_Valid_IsDeliveredToTheUnit_AuditedOnce_AndListedUnderTheCase()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var judge = host.Matters(Requests.JudgeToken);

        var filed = (await judge.FileMatterAsync(MatterTesting.Freeze())).Matter;

        Assert.Equal(MatterState.Delivered, filed.State);
        Assert.Equal(1, filed.DeliveryAttempts);
        Assert.Equal("330682********0113", filed.Subject.IdNumber);
        Assert.Equal("50000.00", filed.AmountYuan);
        Assert.True(host.Simulator.Matters.HasTaken(filed.MatterId));
        Assert.Equal([("matter", "answered")], host.AuditOf(filed.MatterId));

        var listed = await judge.ListCaseMattersAsync(new ListCaseMattersRequest { CaseNumber = Requests.CaseNumber });
        Assert.Equal(filed.MatterId, Assert.Single(listed.Matters).MatterId);
        Assert.Equal(MatterState.Delivered, listed.Matters[0].State);
    }

    [Fact]
    public async Task ListCaseMatters_OverRest_ShowsEachMattersState()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var judge = host.Matters(Requests.JudgeToken);
        var delivered = (await judge.FileMatterAsync(MatterTesting.Seal())).Matter;
        host.Simulator.Behaviours.SetFault(MatterTesting.Bank, new UnitFault { Mode = FaultMode.Down });
        var undelivered = (await judge.FileMatterAsync(MatterTesting.Freeze())).Matter;

        using var rest = host.Rest(Requests.JudgeToken);
        var body = await rest.GetFromJsonAsync<JsonElement>($"/v1/cases/{Uri.EscapeDataString(Requests.CaseNumber)}/matters");

        var states = body.GetProperty("matters").EnumerateArray().ToDictionary(m => m.GetProperty("matterId").GetString()!, m => m.GetProperty("state").GetString());
        Assert.Equal("MATTER_STATE_DELIVERED", states[delivered.MatterId]);
        Assert.Equal("MATTER_STATE_DISPATCHED", states[undelivered.MatterId]);
    }

    [Fact]
    public async Task DownUnit_MatterStaysDispatched_AndIsDeliveredOnceTheUnitIsBack()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var judge = host.Matters(Requests.JudgeToken);
        host.Simulator.Behaviours.SetFault(MatterTesting.Bank, new UnitFault { Mode = FaultMode.Down });

        var filed = (await judge.FileMatterAsync(MatterTesting.Freeze())).Matter;

        Assert.Equal(MatterState.Dispatched, filed.State);
        Assert.Equal(1, filed.DeliveryAttempts);
        Assert.Contains("Unavailable", filed.LastDeliveryError, StringComparison.Ordinal);
        Assert.False(host.Simulator.Matters.HasTaken(filed.MatterId));

        // Still down at the first retry (5 s later): still dispatched, the next try is 10 s after that.
        var firstRetry = filed.FiledAt.ToDateTimeOffset().AddSeconds(5);
        await host.DispatcherSleepsUntilAsync(firstRetry);
        host.Time.Advance(TimeSpan.FromSeconds(5));
        await host.DispatcherSleepsUntilAsync(firstRetry.AddSeconds(10));
        var stillDown = (await judge.GetMatterAsync(new GetMatterRequest { MatterId = filed.MatterId })).Matter;
        Assert.Equal(MatterState.Dispatched, stillDown.State);
        Assert.Equal(2, stillDown.DeliveryAttempts);

        host.Simulator.Behaviours.ClearFault(MatterTesting.Bank);
        host.Time.Advance(TimeSpan.FromSeconds(10));
        await Eventually.HoldsAsync(() => host.Simulator.Matters.HasTaken(filed.MatterId));
        await Eventually.HoldsAsync(() => judge.GetMatter(new GetMatterRequest { MatterId = filed.MatterId }).Matter.State == MatterState.Delivered);

        var delivered = (await judge.GetMatterAsync(new GetMatterRequest { MatterId = filed.MatterId })).Matter;
        Assert.Equal(3, delivered.DeliveryAttempts);
        Assert.Equal(string.Empty, delivered.LastDeliveryError);
        Assert.Equal(firstRetry.AddSeconds(10), delivered.DeliveredAt.ToDateTimeOffset());
    }

    [Fact]
    public async Task DownUnit_PastTheDeadline_IsOverdueUndelivered_AndNoLongerTried()
    {
        // Retries back off to an hour at most, so the 38 hours to the deadline take a few dozen steps of the clock.
        var hourly = new Dictionary<string, string?> { ["Matters:RetryMaxDelayMs"] = "3600000", ["Matters:PollIntervalMs"] = "3600000" };
        await using var host = await GatewayTestHost.StartAsync(settings: hourly, time: MatterTesting.ClockAt(2026, 11, 2));
        var judge = host.Matters(Requests.JudgeToken);
        host.Simulator.Behaviours.SetFault(MatterTesting.Bank, new UnitFault { Mode = FaultMode.Down });
        var filed = (await judge.FileMatterAsync(MatterTesting.Freeze())).Matter;
        var deadline = filed.Deadline.ToDateTimeOffset();

        // Walk the clock from one retry to the next until the deadline; the last attempt is due at the deadline itself.
        while (host.Time.GetUtcNow() < deadline)
        {
            await Eventually.HoldsAsync(() => host.Dispatcher().IdleUntil is { } until && until > host.Time.GetUtcNow());
            host.Time.Advance(host.Dispatcher().IdleUntil!.Value - host.Time.GetUtcNow());
        }

        await Eventually.HoldsAsync(() => host.Dispatcher().IdleUntil is not null
            && judge.GetMatter(new GetMatterRequest { MatterId = filed.MatterId }).Matter.LastDeliveryError.StartsWith("not delivered before the deadline", StringComparison.Ordinal));
        var overdue = (await judge.GetMatterAsync(new GetMatterRequest { MatterId = filed.MatterId })).Matter;
        var attempts = overdue.DeliveryAttempts;
        host.Simulator.Behaviours.ClearFault(MatterTesting.Bank);
        host.Time.Advance(TimeSpan.FromHours(1));
        await Eventually.HoldsAsync(() => host.Dispatcher().IdleUntil is not null);

        Assert.Equal(MatterState.Overdue, overdue.State);
        Assert.Null(overdue.DeliveredAt);
        Assert.False(host.Simulator.Matters.HasTaken(filed.MatterId));
        Assert.Equal(attempts, (await judge.GetMatterAsync(new GetMatterRequest { MatterId = filed.MatterId })).Matter.DeliveryAttempts);
    }

    [Fact]
    public async Task FileMatter_DeadlineAcrossAHolidayAndAWeekend_CountsWorkingDaysOnly()
    {
        // Thursday 24 Sep 2026, 10:00 in Shangyu: Friday is Mid-Autumn, then the weekend.
        await using var host = await GatewayTestHost.StartAsync(time: MatterTesting.ClockAt(2026, 9, 24));

        var filed = (await host.Matters(Requests.JudgeToken).FileMatterAsync(MatterTesting.Seal())).Matter;

        Assert.Equal(2, filed.DeadlineWorkingDays);
        Assert.Equal(new DateTimeOffset(2026, 9, 30, 0, 0, 0, MatterTesting.Cst), filed.Deadline.ToDateTimeOffset());
    }

    [Theory]
    [InlineData("bank", "FREEZE", 13, "a freeze of deposits runs at most 12 months")]
    [InlineData("bank", "RENEW_FREEZE", 18, "a renewal of a freeze of deposits runs at most 12 months")]
    [InlineData("vehicle-admin", "SEAL", 25, "a seal of movable property runs at most 24 months")]
    [InlineData("realestate-registry", "RENEW_SEAL", 37, "a renewal of a seal of real estate and other property rights runs at most 36 months")]
    public async Task TermAboveTheLegalMaximum_Is400NamingTermMonths_AndNothingIsFiled(string unit, string action, int months, string reason)
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var rest = host.Rest(Requests.JudgeToken);
        var request = action.Contains("FREEZE", StringComparison.Ordinal) ? MatterTesting.Freeze(termMonths: months) : MatterTesting.Seal(termMonths: months);
        request.UnitId = unit == "bank" ? MatterTesting.Bank : unit;
        request.Action = Enum.Parse<MatterAction>(action.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true);

        using var response = await rest.PostAsJsonAsync("/v1/matters", MatterTesting.RestBody(request));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("termMonths", problem.GetProperty("field").GetString());
        Assert.Contains(reason, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty((await host.Matters(Requests.JudgeToken).ListCaseMattersAsync(new ListCaseMattersRequest { CaseNumber = Requests.CaseNumber })).Matters);
        Assert.Equal(0, host.Simulator.Matters.Taken);
    }

    [Theory]
    [InlineData("unitId", "does not accept FREEZE")]
    [InlineData("amountYuan", "is not an amount of yuan")]
    [InlineData("amountYuan:deduct", "is required for DEDUCT")]
    [InlineData("termMonths:unfreeze", "must be 0 (or absent) for UNFREEZE")]
    [InlineData("document.rulingNumber", "is required for FREEZE")]
    [InlineData("subject.idNumber", "check character")]
    [InlineData("action", "is required")]
    public async Task InvalidMatter_Is400NamingTheField(string field, string reason)
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var rest = host.Rest(Requests.JudgeToken);
        var request = MatterTesting.Freeze();
        switch (field)
        {
            case "unitId":
                request.UnitId = MatterTesting.Registry;
                break;
            case "amountYuan":
                request.AmountYuan = "12,000.005";
                break;
            case "amountYuan:deduct":
                request.Action = MatterAction.Deduct;
                request.TermMonths = 0;
                request.AmountYuan = string.Empty;
                break;
            case "termMonths:unfreeze":
                request.Action = MatterAction.Unfreeze;
                request.AmountYuan = string.Empty;
                break;
            case "document.rulingNumber":
                request.Document.RulingNumber = " ";
                break;
            case "subject.idNumber":
                request.Subject.IdNumber = "330682197803150114";
                break;
            case "action":
                request.Action = MatterAction.Unspecified;
                break;
        }

        using var response = await rest.PostAsJsonAsync("/v1/matters", MatterTesting.RestBody(request));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(field.Split(':')[0], problem.GetProperty("field").GetString());
        Assert.Contains(reason, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FileMatter_UnderAnotherJudgesCase_IsDeniedAndAudited_AndNothingIsSent()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var request = MatterTesting.Freeze();
        request.CaseNumber = Requests.LiCaseNumber;
        request.Subject = new Subject { CreditCode = "913306047258731244", Name = "绍兴市上虞区恒昌化工有限公司" };

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Matters(Requests.JudgeToken).FileMatterAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal(0, host.Simulator.Matters.Taken);
        using var connection = Audit.AuditTestStore.OpenStore(host);
        Assert.Equal(1L, Dapper.SqlMapper.ExecuteScalar<long>(connection, "SELECT COUNT(*) FROM audit_records WHERE kind = 'matter' AND outcome = 'denied'"));
    }

    [Fact]
    public async Task FileMatter_WithoutTheJudgeRole_Is403()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var rest = host.Rest(MatterTesting.UnitToken(MatterTesting.Bank));

        using var response = await rest.PostAsJsonAsync("/v1/matters", MatterTesting.RestBody(MatterTesting.Freeze()));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
