using System.Collections.Concurrent;
using DataGateway.Contracts.V1;
using DataGateway.Features.Matters;
using DataGateway.Features.Store;
using DataGateway.IntegrationTests.Infrastructure;

namespace DataGateway.IntegrationTests.Matters;

/// <summary>
/// The matters table on both engines, and what several replicas sharing it rely on: a due delivery is claimed by one
/// store object at a time, a lease left by a replica that died is taken over once it expires, and of two answers to one
/// matter only the first is recorded. Each <see cref="GatewayStore"/> opened on one database stands for one replica.
/// </summary>
public sealed class MatterStoreTests
{
    private static readonly long Start = new DateTimeOffset(2026, 11, 2, 10, 0, 0, TimeSpan.FromHours(8)).ToUnixTimeMilliseconds();

    private static readonly StoreSchema Schema = new(MatterStore.Module, MatterStore.SqliteMigrations, MatterStore.PostgresMigrations);

    internal static MatterRecord Undelivered(string id, long nowMs, string unitId = MatterTesting.Bank, long? deadlineMs = null) => new()
    {
        MatterId = id,
        CaseNumber = Requests.CaseNumber,
        Action = "FREEZE",
        UnitId = unitId,
        UnitKind = "Bank",
        SubjectKind = "person",
        SubjectMasked = "330682********0113",
        SubjectName = "王建军",
        SubjectHash = "h-" + id,
        SubjectIdentifier = Requests.Debtor.IdNumber,
        AssetReference = "6228480329108876512",
        AmountYuan = "50000.00",
        TermMonths = 12,
        RulingNumber = "(2024)浙0604执1234号之一",
        NoticeNumber = "(2024)浙0604执1234号协助执行通知书之一",
        FiledBy = "judge-wang",
        RequesterHash = "r",
        FiledAtMs = nowMs,
        DeadlineMs = deadlineMs ?? nowMs + 86_400_000,
        DeadlineWorkingDays = 1,
        State = MatterLifecycle.Filing,
        NextAttemptMs = nowMs,
    };

    private static readonly FeedbackAnswer Completed = new(FeedbackOutcome.Completed, string.Empty, "50000.00", "HZ-1");

    private static readonly FeedbackAnswer Rejected = new(FeedbackOutcome.Rejected, "账户已被其他法院冻结", null, "HZ-2");

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Matter_FiledClaimedDeliveredAnswered_KeepsEveryFieldOnEitherEngine(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        await using var gatewayStore = await database.OpenMigratedStoreAsync(Schema);
        var store = new MatterStore(gatewayStore);
        var filed = Undelivered("life-1", Start);
        await store.InsertAsync(filed, TestContext.Deadline);

        Assert.Null(await store.FindAsync("life-1", TestContext.Deadline));
        Assert.Empty(await store.ClaimDeliveriesAsync("replica-a", Start, Start + 60_000, 10, TestContext.Deadline));

        await store.ActivateAsync("life-1", TestContext.Deadline);
        var claimed = Assert.Single(await store.ClaimDeliveriesAsync("replica-a", Start, Start + 60_000, 10, TestContext.Deadline));
        Assert.Equal(filed with { State = MatterLifecycle.Dispatched, LeaseOwner = "replica-a", LeaseUntilMs = Start + 60_000 }, claimed);
        Assert.Equal(Start + 60_000, await store.NextAttemptAtAsync(TestContext.Deadline));

        await store.MarkDeliveredAsync("life-1", "replica-a", Start + 5, 1, "SL-1", TestContext.Deadline);
        Assert.Null(await store.NextAttemptAtAsync(TestContext.Deadline));
        Assert.True(await store.RecordFeedbackAsync("life-1", Completed, Start + 3_600_000, "system-bank", TestContext.Deadline));
        Assert.False(await store.RecordFeedbackAsync("life-1", Rejected, Start + 3_600_001, "system-bank", TestContext.Deadline));

        var answered = await store.FindAsync("life-1", TestContext.Deadline);
        Assert.Equal(
            filed with
            {
                State = MatterLifecycle.Answered,
                SubjectIdentifier = null,
                DeliveredAtMs = Start + 5,
                AcceptanceNumber = "SL-1",
                Attempts = 1,
                NextAttemptMs = null,
                Outcome = "completed",
                Reason = string.Empty,
                ExecutedAmountYuan = "50000.00",
                ReceiptNumber = "HZ-1",
                AnsweredAtMs = Start + 3_600_000,
                AnsweredBy = "system-bank",
            },
            answered);
        Assert.Equal(answered, Assert.Single(await store.ListByCaseAsync(Requests.CaseNumber, TestContext.Deadline)));
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Claim_TwoReplicasClaimingAtOnce_DispatchEachMatterOnce(StoreEngine engine)
    {
        const int Count = 40;
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        await using var storeA = await database.OpenMigratedStoreAsync(Schema);
        await using var storeB = database.OpenStore();
        var replicaA = new MatterStore(storeA);
        var replicaB = new MatterStore(storeB);
        for (var i = 0; i < Count; i++)
        {
            await replicaA.InsertAsync(Undelivered($"due-{i:D2}", Start), TestContext.Deadline);
            await replicaA.ActivateAsync($"due-{i:D2}", TestContext.Deadline);
        }

        var dispatched = new ConcurrentBag<(string MatterId, string Owner)>();
        async Task DispatchAsync(MatterStore store, string owner)
        {
            // As the dispatcher does: claim a few, "deliver" them, report, until nothing is due.
            while (await store.ClaimDeliveriesAsync(owner, Start, Start + 60_000, 3, TestContext.Deadline) is { Count: > 0 } claimed)
            {
                foreach (var matter in claimed)
                {
                    dispatched.Add((matter.MatterId, owner));
                    await store.MarkDeliveredAsync(matter.MatterId, owner, Start + 1, matter.Attempts + 1, null, TestContext.Deadline);
                }
            }
        }

        // Several dispatch loops per replica, so claims of both replicas overlap in time.
        await Task.WhenAll(Enumerable.Range(0, 4).SelectMany(i => new[]
        {
            Task.Run(() => DispatchAsync(replicaA, $"replica-a/{i}")),
            Task.Run(() => DispatchAsync(replicaB, $"replica-b/{i}")),
        }));

        Assert.Equal(Count, dispatched.Count);
        Assert.Equal(Count, dispatched.Select(d => d.MatterId).Distinct().Count());
        var (matters, _) = await replicaB.OverdueAsync(Start + 86_400_000, null, Count, TestContext.Deadline);
        Assert.All(matters, m => Assert.Equal(MatterLifecycle.Delivered, m.State));
        Assert.Equal(Count, matters.Count);
        Assert.All(matters, m => Assert.Equal(1, m.Attempts));
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Claim_ReplicaDiedHoldingTheLease_AnotherTakesTheMatterOverOnceTheLeaseExpires(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        await using var storeA = await database.OpenMigratedStoreAsync(Schema);
        await using var storeB = database.OpenStore();
        var replicaA = new MatterStore(storeA);
        var replicaB = new MatterStore(storeB);
        await replicaA.InsertAsync(Undelivered("orphan-1", Start), TestContext.Deadline);
        await replicaA.ActivateAsync("orphan-1", TestContext.Deadline);
        Assert.Single(await replicaA.ClaimDeliveriesAsync("replica-a", Start, Start + 60_000, 10, TestContext.Deadline));

        // Replica A dies here, mid-dispatch: it never reports delivery or failure.
        var whileLeased = await replicaB.ClaimDeliveriesAsync("replica-b", Start + 59_999, Start + 119_999, 10, TestContext.Deadline);
        var wakeAt = await replicaB.NextAttemptAtAsync(TestContext.Deadline);
        var takenOver = await replicaB.ClaimDeliveriesAsync("replica-b", Start + 60_000, Start + 120_000, 10, TestContext.Deadline);
        // A comes back too late: its report no longer counts, the matter is B's.
        await replicaA.ScheduleRetryAsync("orphan-1", "replica-a", 1, Start + 65_000, "late report", TestContext.Deadline);
        await replicaB.ScheduleRetryAsync("orphan-1", "replica-b", 1, Start + 70_000, "unit answered Unavailable", TestContext.Deadline);

        Assert.Empty(whileLeased);
        Assert.Equal(Start + 60_000, wakeAt);
        Assert.Equal("replica-b", Assert.Single(takenOver).LeaseOwner);
        var stored = await replicaA.FindAsync("orphan-1", TestContext.Deadline);
        Assert.Equal(Start + 70_000, stored!.NextAttemptMs);
        Assert.Equal("unit answered Unavailable", stored.LastError);
        Assert.Null(stored.LeaseOwner);
        Assert.Equal(Requests.Debtor.IdNumber, stored.SubjectIdentifier);
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task RecordFeedback_TwoReplicasAnsweringOneMatterAtOnce_RecordOnlyOneAnswer(StoreEngine engine)
    {
        const int Count = 10;
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        await using var storeA = await database.OpenMigratedStoreAsync(Schema);
        await using var storeB = database.OpenStore();
        var replicaA = new MatterStore(storeA);
        var replicaB = new MatterStore(storeB);
        for (var i = 0; i < Count; i++)
        {
            await replicaA.InsertAsync(Undelivered($"race-{i}", Start), TestContext.Deadline);
            await replicaA.ActivateAsync($"race-{i}", TestContext.Deadline);
        }

        var results = await Task.WhenAll(Enumerable.Range(0, Count).Select(async i =>
        {
            var a = Task.Run(() => replicaA.RecordFeedbackAsync($"race-{i}", Completed, Start + 1_000, "via-a", TestContext.Deadline));
            var b = Task.Run(() => replicaB.RecordFeedbackAsync($"race-{i}", Rejected, Start + 2_000, "via-b", TestContext.Deadline));
            return (Id: $"race-{i}", A: await a, B: await b);
        }));

        foreach (var (id, a, b) in results)
        {
            Assert.True(a ^ b, $"{id}: exactly one answer is recorded");
            var stored = await replicaB.FindAsync(id, TestContext.Deadline);
            var winner = a ? Completed : Rejected;
            Assert.Equal(FeedbackDecision.Duplicate, MatterLifecycle.Decide(stored!, winner));
            Assert.Equal(a ? "via-a" : "via-b", stored!.AnsweredBy);
        }
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Figures_OnTimeLateOverdueAndPending_AreCountedAlikeOnEitherEngine(StoreEngine engine)
    {
        const long Day = 86_400_000;
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        await using var gatewayStore = await database.OpenMigratedStoreAsync(Schema);
        var store = new MatterStore(gatewayStore);
        async Task FileAsync(string id, long filedAt, string unitId = MatterTesting.Bank)
        {
            await store.InsertAsync(Undelivered(id, filedAt, unitId), TestContext.Deadline);
            await store.ActivateAsync(id, TestContext.Deadline);
        }

        await FileAsync("on-time", Start);
        await FileAsync("late", Start);
        await FileAsync("overdue", Start);
        await FileAsync("next-day", Start + Day);
        await FileAsync("other-unit", Start, MatterTesting.OtherBank);
        await store.InsertAsync(Undelivered("still-filing", Start), TestContext.Deadline);
        await store.RecordFeedbackAsync("on-time", Completed, Start + 3_600_000, "u", TestContext.Deadline);
        await store.RecordFeedbackAsync("late", Completed, Start + Day + 1, "u", TestContext.Deadline);
        var asOf = Start + Day + 3_600_000;

        var figures = await store.FiguresAsync(Start - Day, asOf, asOf, [MatterTesting.Bank], TestContext.Deadline);
        var daily = await store.DailyFiguresAsync(MatterTesting.Bank, Start - Day, asOf, asOf, TestContext.Deadline);
        var all = await store.FiguresAsync(Start - Day, asOf, asOf, null, TestContext.Deadline);
        var (overdue, total) = await store.OverdueAsync(asOf, [MatterTesting.Bank], 10, TestContext.Deadline);

        // filed, due, answered, on time, overdue, late
        Assert.Equal(new MatterFigures(4, 3, 2, 1, 1, 1), Assert.Single(figures).Value);
        var firstDay = (Start + 8 * 3_600_000) / Day;
        Assert.Equal(new MatterFigures(3, 3, 2, 1, 1, 1), daily[firstDay]);
        Assert.Equal(new MatterFigures(1, 0, 0, 0, 0, 0), daily[firstDay + 1]);
        Assert.Equal(2, daily.Count);
        Assert.Equal(new MatterFigures(1, 1, 0, 0, 1, 0), all[MatterTesting.OtherBank]);
        Assert.Equal(1, total);
        Assert.Equal("overdue", Assert.Single(overdue).MatterId);
    }
}
