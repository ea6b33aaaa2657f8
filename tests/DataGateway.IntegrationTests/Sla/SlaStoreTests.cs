using DataGateway.Contracts.V1;
using DataGateway.Features.Sla;
using DataGateway.Features.Store;
using DataGateway.IntegrationTests.Infrastructure;
using DataGateway.IntegrationTests.Matters;

namespace DataGateway.IntegrationTests.Sla;

/// <summary>
/// The per-minute query outcomes on both engines. Every replica counts in memory and adds its counts to the same rows,
/// so two flushes of one unit-minute must add up (and keep the larger maximum), never overwrite each other.
/// </summary>
public sealed class SlaStoreTests
{
    private static readonly StoreSchema Schema = new(SlaStore.Module, SlaStore.SqliteMigrations, SlaStore.PostgresMigrations);

    /// <summary>10:00 China Standard Time on Monday 2 November 2026.</summary>
    private static readonly long Minute = SlaStore.MinuteOf(new DateTimeOffset(2026, 11, 2, 10, 0, 0, TimeSpan.FromHours(8)));

    private static OutcomeCounts Counts(params (UnitStatus Status, int LatencyMs)[] answers)
    {
        var counts = new OutcomeCounts();
        foreach (var (status, latency) in answers)
        {
            var answered = status is UnitStatus.Ok or UnitStatus.NotFound;
            counts.Add(status, latency, answered ? LatencyBuckets.IndexOf(latency) : -1);
        }

        return counts;
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task AddOutcomes_TwoReplicasFlushingTheSameUnitMinutes_AddUp_AndKeepTheLargerMaximum(StoreEngine engine)
    {
        const int Flushes = 10;
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        await using var storeA = await database.OpenMigratedStoreAsync(Schema);
        await using var storeB = database.OpenStore();
        var replicaA = new SlaStore(storeA);
        var replicaB = new SlaStore(storeB);
        // Both replicas touch the same two unit-minutes in every flush; the dictionaries list them in opposite orders.
        Dictionary<OutcomeKey, OutcomeCounts> FlushOfA() => new()
        {
            [new(MatterTesting.Bank, Minute)] = Counts((UnitStatus.Ok, 40), (UnitStatus.Timeout, 0)),
            [new(MatterTesting.OtherBank, Minute)] = Counts((UnitStatus.NotFound, 8)),
        };
        Dictionary<OutcomeKey, OutcomeCounts> FlushOfB() => new()
        {
            [new(MatterTesting.OtherBank, Minute)] = Counts((UnitStatus.Unavailable, 0)),
            [new(MatterTesting.Bank, Minute)] = Counts((UnitStatus.Ok, 700), (UnitStatus.NotFound, 3)),
        };

        await Task.WhenAll(Enumerable.Range(0, Flushes).SelectMany(_ => new[]
        {
            Task.Run(() => replicaA.AddOutcomesAsync(FlushOfA(), TestContext.Deadline)),
            Task.Run(() => replicaB.AddOutcomesAsync(FlushOfB(), TestContext.Deadline)),
        }));

        var figures = await replicaA.QueryFiguresAsync(Minute, Minute + 60_000, null, TestContext.Deadline);
        var bank = figures[MatterTesting.Bank];
        Assert.Equal((40L, 30L, 10L, 0L), (bank.Asked, bank.Answered, bank.TimedOut, bank.Failed));
        Assert.Equal(Flushes * (40L + 700 + 3), bank.LatencySumMs);
        Assert.Equal(700, bank.LatencyMaxMs);
        Assert.Equal(Flushes, bank.Buckets[LatencyBuckets.IndexOf(3)]);
        Assert.Equal(Flushes, bank.Buckets[LatencyBuckets.IndexOf(40)]);
        Assert.Equal(Flushes, bank.Buckets[LatencyBuckets.IndexOf(700)]);
        Assert.Equal(3 * Flushes, bank.Buckets.Sum());
        var other = figures[MatterTesting.OtherBank];
        Assert.Equal((20L, 10L, 0L, 10L, 8L), (other.Asked, other.Answered, other.TimedOut, other.Failed, other.LatencyMaxMs));
        Assert.Equal(Describe(figures), Describe(await replicaB.QueryFiguresAsync(Minute, Minute + 60_000, null, TestContext.Deadline)));
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task QueryFigures_SumThePeriodsMinutes_PerUnitAndPerDistrictDay(StoreEngine engine)
    {
        const long Hour = 3_600_000;
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        await using var gatewayStore = await database.OpenMigratedStoreAsync(Schema);
        var store = new SlaStore(gatewayStore);
        // 10:00 and 23:59 on 2 November, 00:00 on 3 November (CST: 16:00 UTC on the 2nd), and one a month earlier.
        var lastMinuteOfDay = Minute + 14 * Hour - 60_000;
        var nextDay = Minute + 14 * Hour;
        var monthEarlier = Minute - 30 * 24 * Hour;
        await store.AddOutcomesAsync(new Dictionary<OutcomeKey, OutcomeCounts>
        {
            [new(MatterTesting.Bank, Minute)] = Counts((UnitStatus.Ok, 20)),
            [new(MatterTesting.Bank, lastMinuteOfDay)] = Counts((UnitStatus.Error, 0)),
            [new(MatterTesting.Bank, nextDay)] = Counts((UnitStatus.Ok, 2_000), (UnitStatus.Ok, 4)),
            [new(MatterTesting.Bank, monthEarlier)] = Counts((UnitStatus.Ok, 1)),
            [new(MatterTesting.OtherBank, Minute)] = Counts((UnitStatus.Ok, 1)),
        }, TestContext.Deadline);

        var period = await store.QueryFiguresAsync(Minute, nextDay + 60_000, [MatterTesting.Bank], TestContext.Deadline);
        var daily = await store.DailyQueryFiguresAsync(MatterTesting.Bank, Minute - 24 * Hour, nextDay + 60_000, TestContext.Deadline);
        var pruned = await store.PruneAsync(Minute - 24 * Hour, TestContext.Deadline);
        var afterPrune = await store.QueryFiguresAsync(0, long.MaxValue, null, TestContext.Deadline);

        var bank = Assert.Single(period).Value;
        Assert.Equal((4L, 3L, 1L, 2_000L, 2_024L), (bank.Asked, bank.Answered, bank.Failed, bank.LatencyMaxMs, bank.LatencySumMs));
        var firstDay = SlaStore.DayNumberOf(Minute);
        Assert.Equal([firstDay, firstDay + 1], daily.Keys.Order());
        Assert.Equal(new DateOnly(2026, 11, 2), SlaStore.DateOfDayNumber(firstDay));
        Assert.Equal((2L, 1L), (daily[firstDay].Asked, daily[firstDay].Answered));
        Assert.Equal((2L, 2L), (daily[firstDay + 1].Asked, daily[firstDay + 1].Answered));
        Assert.Equal(1, pruned);
        Assert.Equal(5L, afterPrune.Values.Sum(f => f.Asked));
    }

    private static string Describe(Dictionary<string, QueryFigures> figures) => string.Join(
        "; ",
        figures.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f =>
            $"{f.Key}: {f.Value.Asked}/{f.Value.Answered}/{f.Value.TimedOut}/{f.Value.Failed}/{f.Value.LatencySumMs}/{f.Value.LatencyMaxMs} [{string.Join(',', f.Value.Buckets)}]"));
}
