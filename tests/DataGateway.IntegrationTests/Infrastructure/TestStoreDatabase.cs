using DataGateway.Features.Store;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace DataGateway.IntegrationTests.Infrastructure;

/// <summary>
/// A fresh, empty store on one engine: a SQLite file in a temporary folder, or a database of its own on the test
/// PostgreSQL server. Give it to <see cref="GatewayTestHost.StartAsync"/> (two hosts given the same one are two
/// replicas of one deployment), or open a <see cref="GatewayStore"/> on it to test a store class directly.
/// </summary>
public sealed class TestStoreDatabase : IAsyncDisposable
{
    private readonly string? _directory;

    private TestStoreDatabase(StoreEngine engine, string? directory, string? connectionString)
    {
        Engine = engine;
        _directory = directory;
        ConnectionString = connectionString;
    }

    /// <summary>Both engines, for store tests written once: <c>[Theory, MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]</c>.</summary>
    public static TheoryData<StoreEngine> Engines => new() { StoreEngine.Sqlite, StoreEngine.Postgres };

    public StoreEngine Engine { get; }

    /// <summary>The PostgreSQL database's connection string (null on SQLite).</summary>
    public string? ConnectionString { get; }

    /// <summary>The gateway settings that point a host at this store.</summary>
    public IReadOnlyDictionary<string, string?> Settings => Engine == StoreEngine.Postgres
        ? new Dictionary<string, string?> { ["Store:Engine"] = "Postgres", ["Store:ConnectionString"] = ConnectionString }
        : new Dictionary<string, string?> { ["Store:Engine"] = "Sqlite", ["Store:DataDirectory"] = _directory };

    public StoreOptions Options => Engine == StoreEngine.Postgres
        ? new StoreOptions { Engine = StoreEngine.Postgres, ConnectionString = ConnectionString }
        : new StoreOptions { Engine = StoreEngine.Sqlite, DataDirectory = _directory! };

    public static async Task<TestStoreDatabase> CreateAsync(StoreEngine engine) => engine == StoreEngine.Postgres
        ? new TestStoreDatabase(engine, null, await PostgresServer.CreateDatabaseAsync())
        : new TestStoreDatabase(engine, Directory.CreateTempSubdirectory("datagateway-store-").FullName, null);

    /// <summary>A store object of its own on this database, as one more gateway process would have (dispose it).</summary>
    internal GatewayStore OpenStore() =>
        new(Microsoft.Extensions.Options.Options.Create(Options), new HostingEnvironment { ContentRootPath = AppContext.BaseDirectory });

    /// <summary>A store object with <paramref name="schemas"/> applied.</summary>
    internal async Task<GatewayStore> OpenMigratedStoreAsync(params StoreSchema[] schemas)
    {
        var store = OpenStore();
        await store.MigrateAsync(schemas, TestContext.Deadline);
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        if (ConnectionString is not null)
        {
            await PostgresServer.DropDatabaseAsync(ConnectionString);
        }

        if (_directory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
