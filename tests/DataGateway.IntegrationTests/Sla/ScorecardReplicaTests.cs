using DataGateway.Contracts.V1;
using DataGateway.Features.Sla;
using DataGateway.Features.Store;
using DataGateway.IntegrationTests.Infrastructure;
using DataGateway.IntegrationTests.Matters;
using DataGateway.Simulator;
using Microsoft.Extensions.DependencyInjection;

namespace DataGateway.IntegrationTests.Sla;

/// <summary>Two gateway replicas on one PostgreSQL database and one Redis: an agency admin gets the same scorecards from either.</summary>
public sealed class ScorecardReplicaTests
{
    [Fact]
    public async Task Feedback_AnsweredThroughEitherReplica_ShowsTheSameScorecardsOnBoth()
    {
        await using var database = await TestStoreDatabase.CreateAsync(StoreEngine.Postgres);
        var time = SlaScenario.Clock();
        var redis = new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = RedisServer.SharedConfiguration,
            ["Redis:InstanceName"] = $"test-{Guid.NewGuid():N}:",
        };
        await using var replicaA = await GatewayTestHost.StartAsync(settings: redis, time: time, store: database);
        await using var replicaB = await GatewayTestHost.StartAsync(settings: redis, time: time, store: database);

        // The scripted month: filed through A, the units' answers alternating between A and B.
        var answers = 0;
        await SlaScenario.PlayAsync(
            async request => (await replicaA.Matters(Requests.JudgeToken).FileMatterAsync(request)).Matter,
            async (unitId, feedback) => await (answers++ % 2 == 0 ? replicaA : replicaB).Matters(MatterTesting.UnitToken(unitId)).SubmitFeedbackAsync(feedback),
            time);
        // One query through each replica; the bank is down for B's.
        await replicaA.Enforcement(Requests.JudgeToken).QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor, "DEPOSIT"));
        replicaB.Simulator.Behaviours.SetFault(SlaScenario.Unit, new UnitFault { Mode = FaultMode.Down });
        var fresh = Requests.AssetQuery(Requests.Debtor, "DEPOSIT");
        fresh.Fresh = true;
        await replicaB.Enforcement(Requests.JudgeToken).QueryAssetsAsync(fresh);
        // Query counts wait in each replica's memory until its next flush (every Sla:OutcomeFlushIntervalMs, and before
        // each scorecard it serves); matter figures are read from the store and need no flush.
        await replicaA.Services.GetRequiredService<UnitOutcomeRecorder>().FlushAsync(TestContext.Deadline);
        await replicaB.Services.GetRequiredService<UnitOutcomeRecorder>().FlushAsync(TestContext.Deadline);

        var admin = MatterTesting.DistrictAdminToken();
        var unitRequest = new GetUnitScorecardRequest { UnitId = SlaScenario.Unit };
        var listA = await replicaA.Sla(admin).ListUnitScorecardsAsync(new ListUnitScorecardsRequest());
        var listB = await replicaB.Sla(admin).ListUnitScorecardsAsync(new ListUnitScorecardsRequest());
        var detailA = await replicaA.Sla(admin).GetUnitScorecardAsync(unitRequest);
        var detailB = await replicaB.Sla(admin).GetUnitScorecardAsync(unitRequest);
        var kindsA = await replicaA.Sla(admin).ListUnitKindScorecardsAsync(new ListUnitKindScorecardsRequest());
        var kindsB = await replicaB.Sla(admin).ListUnitKindScorecardsAsync(new ListUnitKindScorecardsRequest());
        var overdueA = await replicaA.Sla(admin).ListOverdueMattersAsync(new ListOverdueMattersRequest());
        var overdueB = await replicaB.Sla(admin).ListOverdueMattersAsync(new ListOverdueMattersRequest());

        var bank = listA.Scorecards.Single(c => c.UnitId == SlaScenario.Unit);
        Assert.Equal((10L, 9L, 7L, 2L, 1L), (bank.MattersDue, bank.MattersAnswered, bank.MattersOnTime, bank.MattersLate, bank.MattersOverdue));
        Assert.Equal(0.9, bank.FeedbackRate, 10);
        Assert.Equal(0.7, bank.OnTimeRate, 10);
        Assert.Equal((2L, 1L), (bank.QueriesAsked, bank.QueriesAnswered));
        // The circuit is each replica's own live breaker, the one figure that may differ between them.
        Assert.Equal(WithoutCircuits(listA.Scorecards), WithoutCircuits(listB.Scorecards));
        Assert.Equal(WithoutCircuits([detailA.Scorecard]), WithoutCircuits([detailB.Scorecard]));
        Assert.Equal(detailA.Trend, detailB.Trend);
        Assert.Equal(kindsA, kindsB);
        Assert.Equal(overdueA, overdueB);
        Assert.Equal(2, overdueA.TotalSize);
    }

    private static List<Scorecard> WithoutCircuits(IEnumerable<Scorecard> cards) =>
        [.. cards.Select(c =>
        {
            var copy = c.Clone();
            copy.CircuitState = string.Empty;
            return copy;
        })];
}
