using DataGateway.Contracts.V1;
using DataGateway.Features.Matters;
using DataGateway.Features.Store;
using DataGateway.IntegrationTests.Infrastructure;
using DataGateway.Simulator;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace DataGateway.IntegrationTests.Matters;

/// <summary>
/// Matters handled by several gateway replicas sharing one store: deliveries a replica left behind are finished by
/// another, and one matter answered through two replicas at once keeps exactly one answer.
/// </summary>
public sealed class MatterReplicaTests
{
    private static Dictionary<string, string?> SharedRedis() => new()
    {
        ["Redis:Configuration"] = RedisServer.SharedConfiguration,
        ["Redis:InstanceName"] = $"test-{Guid.NewGuid():N}:",
    };

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Dispatch_ReplicaDiedHoldingADeliveryLease_AnotherDeliversTheMatterOnceTheLeaseExpires(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        var time = MatterTesting.ClockAt(2026, 11, 2);
        var start = time.GetUtcNow();
        const string MatterId = "0199bbbb-0000-7000-8000-000000000001";
        // What a replica that died mid-delivery leaves: a dispatched matter leased to it for the default 60 s.
        await using (var deadReplica = await database.OpenMigratedStoreAsync(new StoreSchema(MatterStore.Module, MatterStore.SqliteMigrations, MatterStore.PostgresMigrations)))
        {
            var store = new MatterStore(deadReplica);
            var nowMs = start.ToUnixTimeMilliseconds();
            await store.InsertAsync(MatterStoreTests.Undelivered(MatterId, nowMs) with { LeaseOwner = "dead-replica", LeaseUntilMs = nowMs + 60_000 }, TestContext.Deadline);
            await store.ActivateAsync(MatterId, TestContext.Deadline);
        }

        await using var host = await GatewayTestHost.StartAsync(time: time, store: database);

        // The survivor looks at its poll interval (30 s) and again when the lease expires (60 s), and only then delivers.
        await host.DispatcherSleepsUntilAsync(start.AddSeconds(30));
        Assert.False(host.Simulator.Matters.HasTaken(MatterId));
        time.Advance(TimeSpan.FromSeconds(30));
        await host.DispatcherSleepsUntilAsync(start.AddSeconds(60));
        Assert.False(host.Simulator.Matters.HasTaken(MatterId));
        time.Advance(TimeSpan.FromSeconds(30));
        await Eventually.HoldsAsync(() => host.Simulator.Matters.HasTaken(MatterId));

        var judge = host.Matters(Requests.JudgeToken);
        await Eventually.HoldsAsync(() => judge.GetMatter(new GetMatterRequest { MatterId = MatterId }).Matter.State == MatterState.Delivered);
        var delivered = (await judge.GetMatterAsync(new GetMatterRequest { MatterId = MatterId })).Matter;
        Assert.Equal(1, delivered.DeliveryAttempts);
        Assert.Equal(start.AddSeconds(60), delivered.DeliveredAt.ToDateTimeOffset());
        var stored = await host.Services.GetRequiredService<IMatterStore>().FindAsync(MatterId, TestContext.Deadline);
        Assert.Null(stored!.LeaseOwner);
        Assert.Null(stored.SubjectIdentifier);
        Assert.Equal(1, host.Simulator.Matters.Taken);
    }

    [Fact]
    public async Task Dispatch_ReplicaStoppedWithARetryPending_TheOtherReplicaDeliversTheMatter()
    {
        await using var database = await TestStoreDatabase.CreateAsync(StoreEngine.Postgres);
        var time = MatterTesting.ClockAt(2026, 11, 2);
        var start = time.GetUtcNow();
        var redis = SharedRedis();
        await using var replicaB = await GatewayTestHost.StartAsync(settings: redis, time: time, store: database);
        var replicaA = await GatewayTestHost.StartAsync(settings: redis, time: time, store: database);
        Matter filed;
        try
        {
            replicaA.Simulator.Behaviours.SetFault(MatterTesting.Bank, new UnitFault { Mode = FaultMode.Down });
            filed = (await replicaA.Matters(Requests.JudgeToken).FileMatterAsync(MatterTesting.Freeze())).Matter;
            Assert.Equal(MatterState.Dispatched, filed.State);
        }
        finally
        {
            // Replica A stops with the matter's retry (5 s after filing) still ahead of it.
            await replicaA.DisposeAsync();
        }

        await replicaB.DispatcherSleepsUntilAsync(start.AddSeconds(30));
        time.Advance(TimeSpan.FromSeconds(30));
        await Eventually.HoldsAsync(() => replicaB.Simulator.Matters.HasTaken(filed.MatterId));

        var judge = replicaB.Matters(Requests.JudgeToken);
        await Eventually.HoldsAsync(() => judge.GetMatter(new GetMatterRequest { MatterId = filed.MatterId }).Matter.State == MatterState.Delivered);
        var delivered = (await judge.GetMatterAsync(new GetMatterRequest { MatterId = filed.MatterId })).Matter;
        Assert.Equal(2, delivered.DeliveryAttempts);
        Assert.Equal(start.AddSeconds(30), delivered.DeliveredAt.ToDateTimeOffset());
        Assert.Equal(1, replicaB.Simulator.Matters.Taken);
        Assert.Equal(0, replicaA.Simulator.Matters.Taken);
    }

    [Fact]
    public async Task Feedback_OneMatterAnsweredDifferentlyThroughBothReplicasAtOnce_RecordsOneAnswer_AndTheOtherIs409()
    {
        const int Matters = 5;
        await using var database = await TestStoreDatabase.CreateAsync(StoreEngine.Postgres);
        var time = MatterTesting.ClockAt(2026, 11, 2);
        var redis = SharedRedis();
        await using var replicaA = await GatewayTestHost.StartAsync(settings: redis, time: time, store: database);
        await using var replicaB = await GatewayTestHost.StartAsync(settings: redis, time: time, store: database);
        var judge = replicaA.Matters(Requests.JudgeToken);
        var unitA = replicaA.Matters(MatterTesting.UnitToken(MatterTesting.Bank));
        var unitB = replicaB.Matters(MatterTesting.UnitToken(MatterTesting.Bank));
        var filed = new List<Matter>();
        for (var i = 0; i < Matters; i++)
        {
            filed.Add((await judge.FileMatterAsync(MatterTesting.Freeze())).Matter);
        }

        foreach (var matter in filed)
        {
            var rejected = new SubmitFeedbackRequest { MatterId = matter.MatterId, Outcome = FeedbackOutcome.Rejected, Reason = "账户已被其他法院冻结", ReceiptNumber = "HZ-B" };
            var viaA = Outcome(unitA.SubmitFeedbackAsync(MatterTesting.Completed(matter.MatterId, "HZ-A")).ResponseAsync);
            var viaB = Outcome(unitB.SubmitFeedbackAsync(rejected).ResponseAsync);
            var (a, b) = (await viaA, await viaB);

            Assert.True(a.Answer is not null ^ b.Answer is not null, "exactly one replica records its answer");
            var winner = (a.Answer ?? b.Answer)!;
            Assert.False(winner.Duplicate);
            Assert.Equal(StatusCode.AlreadyExists, (a.Refusal ?? b.Refusal)!.StatusCode);
            var fromA = (await replicaA.Matters(Requests.JudgeToken).GetMatterAsync(new GetMatterRequest { MatterId = matter.MatterId })).Matter;
            var fromB = (await replicaB.Matters(Requests.JudgeToken).GetMatterAsync(new GetMatterRequest { MatterId = matter.MatterId })).Matter;
            Assert.Equal(winner.Matter.Feedback, fromA.Feedback);
            Assert.Equal(winner.Matter.Feedback, fromB.Feedback);
        }
    }

    [Fact]
    public async Task Feedback_SameAnswerThroughBothReplicasAtOnce_IsRecordedOnce_AndTheOtherIsADuplicate()
    {
        await using var database = await TestStoreDatabase.CreateAsync(StoreEngine.Postgres);
        var time = MatterTesting.ClockAt(2026, 11, 2);
        var redis = SharedRedis();
        await using var replicaA = await GatewayTestHost.StartAsync(settings: redis, time: time, store: database);
        await using var replicaB = await GatewayTestHost.StartAsync(settings: redis, time: time, store: database);
        var matter = (await replicaA.Matters(Requests.JudgeToken).FileMatterAsync(MatterTesting.Freeze())).Matter;

        var viaA = replicaA.Matters(MatterTesting.UnitToken(MatterTesting.Bank)).SubmitFeedbackAsync(MatterTesting.Completed(matter.MatterId)).ResponseAsync;
        var viaB = replicaB.Matters(MatterTesting.UnitToken(MatterTesting.Bank)).SubmitFeedbackAsync(MatterTesting.Completed(matter.MatterId)).ResponseAsync;
        var answers = await Task.WhenAll(viaA, viaB);

        Assert.Equal([false, true], answers.Select(a => a.Duplicate).Order());
        Assert.Equal(answers[0].Matter.Feedback, answers[1].Matter.Feedback);
        Assert.Equal(MatterState.Answered, answers[0].Matter.State);
    }

    private static async Task<(SubmitFeedbackResponse? Answer, RpcException? Refusal)> Outcome(Task<SubmitFeedbackResponse> call)
    {
        try
        {
            return (await call, null);
        }
        catch (RpcException ex)
        {
            return (null, ex);
        }
    }
}
