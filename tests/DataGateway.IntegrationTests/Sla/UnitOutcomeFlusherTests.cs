using DataGateway.Contracts.V1;
using DataGateway.Features.Sla;
using DataGateway.Features.Store;
using DataGateway.IntegrationTests.Infrastructure;
using DataGateway.IntegrationTests.Matters;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DataGateway.IntegrationTests.Sla;

/// <summary>How a replica's in-memory query counts reach the store when it stops: replicas now stop and start often.</summary>
public sealed class UnitOutcomeFlusherTests
{
    private static readonly StoreSchema Schema = new(SlaStore.Module, SlaStore.SqliteMigrations, SlaStore.PostgresMigrations);

    private static readonly DateTimeOffset At = new(2026, 11, 2, 10, 0, 30, TimeSpan.FromHours(8));

    [Fact]
    public async Task Stop_WritesTheCountsOfTheLastFlushInterval()
    {
        await using var database = await TestStoreDatabase.CreateAsync(StoreEngine.Sqlite);
        await using var gatewayStore = await database.OpenMigratedStoreAsync(Schema);
        var store = new SlaStore(gatewayStore);
        using var recorder = new UnitOutcomeRecorder(store, NullLogger<UnitOutcomeRecorder>.Instance);
        using var flusher = new UnitOutcomeFlusher(recorder, store, new SlaOptions(), new FakeTimeProvider(At), NullLogger<UnitOutcomeFlusher>.Instance);
        await flusher.StartAsync(TestContext.Deadline);
        recorder.Record(Bank, new UnitAnswer { Status = UnitStatus.Ok, LatencyMs = 12 }, At);

        await flusher.StopAsync(TestContext.Deadline);

        Assert.Equal(1, await AskedAsync(store));
    }

    [Fact]
    public async Task Stop_TheHostNoLongerWaiting_EndsWithoutFailing_AndKeepsTheCountsForALaterFlush()
    {
        await using var database = await TestStoreDatabase.CreateAsync(StoreEngine.Sqlite);
        await using var gatewayStore = await database.OpenMigratedStoreAsync(Schema);
        var store = new SlaStore(gatewayStore);
        var recorder = new UnitOutcomeRecorder(store, NullLogger<UnitOutcomeRecorder>.Instance);
        using var flusher = new UnitOutcomeFlusher(recorder, store, new SlaOptions(), new FakeTimeProvider(At), NullLogger<UnitOutcomeFlusher>.Instance);
        await flusher.StartAsync(TestContext.Deadline);
        recorder.Record(Bank, new UnitAnswer { Status = UnitStatus.Timeout }, At);

        await flusher.StopAsync(new CancellationToken(canceled: true));

        Assert.Equal(0, await AskedAsync(store));
        await recorder.FlushAsync(TestContext.Deadline);
        Assert.Equal(1, await AskedAsync(store));
        // The container disposes the recorder once per registration (the class and its interface).
        recorder.Dispose();
        recorder.Dispose();
    }

    private static Domain.Catalog.UnitDefinition Bank => GatewayTestHost.Catalog.Units.Single(u => u.Id == MatterTesting.Bank);

    private static async Task<long> AskedAsync(SlaStore store) =>
        (await store.QueryFiguresAsync(0, long.MaxValue, null, TestContext.Deadline)).Values.Sum(f => f.Asked);
}
