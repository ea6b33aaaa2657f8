using Dapper;
using DataGateway.Features.Store;
using DataGateway.IntegrationTests.Infrastructure;

namespace DataGateway.IntegrationTests.Store;

/// <summary>The migration runner itself, on both engines, with a module of its own (the features' schemas are tested with their stores).</summary>
public sealed class StoreMigrationTests
{
    private static readonly StoreSchema VersionOne = new(
        "probe",
        ["CREATE TABLE probe_rows (id INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL);"],
        ["CREATE TABLE probe_rows (id BIGINT NOT NULL PRIMARY KEY, name TEXT NOT NULL);"]);

    private static readonly StoreSchema VersionTwo = new(
        "probe",
        [VersionOne.Sqlite[0], "ALTER TABLE probe_rows ADD COLUMN note TEXT;"],
        [VersionOne.Postgres[0], "ALTER TABLE probe_rows ADD COLUMN note TEXT;"]);

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Migrate_OlderSchema_AppliesOnlyTheNewVersionsAndKeepsRows(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        await using (var old = await database.OpenMigratedStoreAsync(VersionOne))
        {
            await using var connection = await old.OpenAsync(TestContext.Deadline);
            await connection.ExecuteAsync("INSERT INTO probe_rows (id, name) VALUES (1, 'kept')");
        }

        await using var newer = await database.OpenMigratedStoreAsync(VersionTwo);

        Assert.Equal(2, await newer.SchemaVersionAsync("probe", TestContext.Deadline));
        await using var check = await newer.OpenAsync(TestContext.Deadline);
        Assert.Equal("kept", await check.ExecuteScalarAsync<string>("SELECT name FROM probe_rows WHERE id = 1 AND note IS NULL"));
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Migrate_ReplicasStartingTogether_ApplyEachVersionOnce(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        var stores = Enumerable.Range(0, 4).Select(_ => database.OpenStore()).ToArray();
        try
        {
            await Task.WhenAll(stores.Select(s => s.MigrateAsync([VersionTwo], TestContext.Deadline)));

            await using var connection = await stores[0].OpenAsync(TestContext.Deadline);
            Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations WHERE module = 'probe'"));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Migrate_StoreNewerThanGateway_RefusesToStart(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        await using var newer = await database.OpenMigratedStoreAsync(VersionTwo);
        await using var older = database.OpenStore();

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => older.MigrateAsync([VersionOne], TestContext.Deadline));

        Assert.Contains("newer than this gateway knows", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_VersionMissingOnOneEngine_IsRefused()
    {
        var refusal = Assert.Throws<ArgumentException>(() => new StoreSchema("probe", ["a", "b"], ["a"]));

        Assert.Contains("each version needs both", refusal.Message, StringComparison.Ordinal);
    }
}
