using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DataGateway.Contracts.V1;
using DataGateway.IntegrationTests.Infrastructure;
using DataGateway.IntegrationTests.Matters;
using DataGateway.Simulator;
using Grpc.Core;

namespace DataGateway.IntegrationTests.Sla;

public sealed class ScorecardTests
{
    [Fact]
    public async Task ScriptedMonth_TenDue_SevenOnTime_TwoLate_OneSilent_GivesNinetyAndSeventyPercent()
    {
        await using var host = await GatewayTestHost.StartAsync(time: SlaScenario.Clock());
        await SlaScenario.PlayAsync(host);

        var card = (await host.Sla(MatterTesting.AdminToken(SlaScenario.Unit)).GetUnitScorecardAsync(new GetUnitScorecardRequest { UnitId = SlaScenario.Unit })).Scorecard;

        Assert.Equal(10, card.MattersFiled);
        Assert.Equal(10, card.MattersDue);
        Assert.Equal(9, card.MattersAnswered);
        Assert.Equal(7, card.MattersOnTime);
        Assert.Equal(2, card.MattersLate);
        Assert.Equal(1, card.MattersOverdue);
        Assert.Equal(0.9, card.FeedbackRate, 10);
        Assert.Equal(0.7, card.OnTimeRate, 10);
        Assert.Equal("CLOSED", card.CircuitState);
    }

    [Fact]
    public async Task MattersStillInsideTheirDeadline_AreNotDue_UnlessAnswered()
    {
        await using var host = await GatewayTestHost.StartAsync(time: SlaScenario.Clock());
        var judge = host.Matters(Requests.JudgeToken);
        var answered = (await judge.FileMatterAsync(MatterTesting.Freeze())).Matter;
        await judge.FileMatterAsync(MatterTesting.Freeze());
        await host.Matters(MatterTesting.UnitToken(MatterTesting.Bank)).SubmitFeedbackAsync(MatterTesting.Completed(answered.MatterId));

        var card = (await host.Sla(MatterTesting.AdminToken(MatterTesting.Bank)).GetUnitScorecardAsync(new GetUnitScorecardRequest { UnitId = MatterTesting.Bank })).Scorecard;

        Assert.Equal(2, card.MattersFiled);
        Assert.Equal(1, card.MattersDue);
        Assert.Equal(1.0, card.FeedbackRate);
        Assert.Equal(0, card.MattersOverdue);
    }

    [Fact]
    public async Task Scorecards_AreTheSame_AfterARestartOnTheSameStore()
    {
        var store = Directory.CreateTempSubdirectory("datagateway-sla-").FullName;
        var settings = new Dictionary<string, string?> { ["Store:DataDirectory"] = store, ["Caching:Enabled"] = "false" };
        var time = SlaScenario.Clock();
        var admin = MatterTesting.DistrictAdminToken();
        ListUnitScorecardsResponse before;
        GetUnitScorecardResponse beforeDetail;
        ListOverdueMattersResponse overdueBefore;
        try
        {
            await using (var first = await GatewayTestHost.StartAsync(settings: settings, time: time))
            {
                await SlaScenario.PlayAsync(first);
                // Query outcomes too: a unit down for some queries, so the response rate is not trivially 100%.
                var enforcement = first.Enforcement(Requests.JudgeToken);
                await enforcement.QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor, "DEPOSIT"));
                first.Simulator.Behaviours.SetFault(MatterTesting.Bank, new UnitFault { Mode = FaultMode.Down });
                await enforcement.QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor, "DEPOSIT"));

                before = await first.Sla(admin).ListUnitScorecardsAsync(new ListUnitScorecardsRequest());
                beforeDetail = await first.Sla(admin).GetUnitScorecardAsync(new GetUnitScorecardRequest { UnitId = SlaScenario.Unit });
                overdueBefore = await first.Sla(admin).ListOverdueMattersAsync(new ListOverdueMattersRequest());
            }

            await using var second = await GatewayTestHost.StartAsync(settings: settings, time: time);
            var after = await second.Sla(admin).ListUnitScorecardsAsync(new ListUnitScorecardsRequest());
            var afterDetail = await second.Sla(admin).GetUnitScorecardAsync(new GetUnitScorecardRequest { UnitId = SlaScenario.Unit });
            var overdueAfter = await second.Sla(admin).ListOverdueMattersAsync(new ListOverdueMattersRequest());

            var bank = before.Scorecards.Single(c => c.UnitId == SlaScenario.Unit);
            Assert.Equal(0.9, bank.FeedbackRate, 10);
            Assert.Equal(2, bank.QueriesAsked);
            Assert.Equal(1, bank.QueriesAnswered);
            Assert.Equal(0.5, bank.ResponseRate, 10);
            // The circuit is the one live, per-process figure; the new process starts closed.
            Assert.Equal(Strip(before), Strip(after));
            Assert.Equal(beforeDetail.Trend, afterDetail.Trend);
            Assert.Equal(overdueBefore, overdueAfter);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(store, recursive: true);
        }
    }

    [Fact]
    public async Task UnitList_IsWorstFeedbackRateFirst_AndIdleUnitsAreLeftOut()
    {
        await using var host = await GatewayTestHost.StartAsync(time: SlaScenario.Clock());
        await SlaScenario.PlayAsync(host);

        var list = await host.Sla(MatterTesting.DistrictAdminToken()).ListUnitScorecardsAsync(new ListUnitScorecardsRequest());

        Assert.True(list.DistrictWide);
        Assert.Equal([MatterTesting.ThirdBank, SlaScenario.Unit, MatterTesting.OtherBank], list.Scorecards.Select(c => c.UnitId));
        Assert.Equal(0.0, list.Scorecards[0].FeedbackRate);
        Assert.Equal(1.0, list.Scorecards[2].OnTimeRate);
    }

    [Fact]
    public async Task AnAdminOfSomeUnits_SeesOnlyThem_AndIsRefusedOthers()
    {
        await using var host = await GatewayTestHost.StartAsync(time: SlaScenario.Clock());
        await SlaScenario.PlayAsync(host);
        var sla = host.Sla(MatterTesting.AdminToken(MatterTesting.Bank, MatterTesting.OtherBank));

        var list = await sla.ListUnitScorecardsAsync(new ListUnitScorecardsRequest());
        var overdue = await sla.ListOverdueMattersAsync(new ListOverdueMattersRequest());
        var refused = await Assert.ThrowsAsync<RpcException>(() => sla.GetUnitScorecardAsync(new GetUnitScorecardRequest { UnitId = MatterTesting.ThirdBank }).ResponseAsync);

        Assert.False(list.DistrictWide);
        Assert.Equal([SlaScenario.Unit, MatterTesting.OtherBank], list.Scorecards.Select(c => c.UnitId));
        Assert.Equal(SlaScenario.Unit, Assert.Single(overdue.Matters).UnitId);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    [Fact]
    public async Task UnitKinds_SumTheirUnits()
    {
        await using var host = await GatewayTestHost.StartAsync(time: SlaScenario.Clock());
        await SlaScenario.PlayAsync(host);

        var kinds = await host.Sla(MatterTesting.DistrictAdminToken()).ListUnitKindScorecardsAsync(new ListUnitKindScorecardsRequest());

        var banks = kinds.Scorecards.Single(c => c.UnitKind == "Bank");
        Assert.Equal(13, banks.MattersDue);
        Assert.Equal(11, banks.MattersAnswered);
        Assert.Equal(9, banks.MattersOnTime);
        Assert.Equal(11.0 / 13, banks.FeedbackRate, 10);
        Assert.Equal(GatewayTestHost.Catalog.UnitsOf(DataGateway.Domain.Catalog.UnitKind.Bank).Count, banks.UnitCount);
    }

    [Fact]
    public async Task OverdueList_ShowsNoSubject_AndSaysWhetherDelivered()
    {
        await using var host = await GatewayTestHost.StartAsync(time: SlaScenario.Clock());
        await SlaScenario.PlayAsync(host);
        using var rest = host.Rest(MatterTesting.DistrictAdminToken());

        var text = await rest.GetStringAsync("/v1/sla/overdue-matters");
        var body = JsonSerializer.Deserialize<JsonElement>(text);

        Assert.Equal(2, body.GetProperty("totalSize").GetInt32());
        Assert.All(body.GetProperty("matters").EnumerateArray(), m => Assert.True(m.GetProperty("delivered").GetBoolean()));
        Assert.DoesNotContain(Requests.Debtor.IdNumber!, text, StringComparison.Ordinal);
        Assert.DoesNotContain("0113", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sla_NeedsTheAgencyAdminRole()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var rest = host.Rest(Requests.JudgeToken);

        using var response = await rest.GetAsync("/v1/sla/units");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Period_FromAfterTo_Is400()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var rest = host.Rest(MatterTesting.DistrictAdminToken());

        using var response = await rest.GetAsync("/v1/sla/units?period.from=2026-11-02T00:00:00Z&period.to=2026-11-01T00:00:00Z");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("period.from", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }

    private static List<Scorecard> Strip(ListUnitScorecardsResponse list) =>
        [.. list.Scorecards.Select(c =>
        {
            var copy = c.Clone();
            copy.CircuitState = string.Empty;
            return copy;
        })];
}
