using Dapper;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Identity;
using DataGateway.Features.Store;
using DataGateway.IntegrationTests.Infrastructure;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;

namespace DataGateway.IntegrationTests.Store;

/// <summary>
/// A rolling upgrade on one shared store: replicas of the running release, then a replica of a newer release (one
/// more migration) started against the older schema. The feature tables' migrations are all at their first version
/// in this release, so the newer release is played by a module of the test's own with a second version.
/// </summary>
public sealed class RollingUpgradeTests
{
    private const string Module = "upgrade_probe";

    private static readonly string[] ReleaseOne = ["CREATE TABLE upgrade_probe (id BIGINT NOT NULL PRIMARY KEY, note TEXT NOT NULL);"];

    private static readonly string[] ReleaseTwo =
        [ReleaseOne[0], "ALTER TABLE upgrade_probe ADD COLUMN added_in_two TEXT; CREATE INDEX ix_upgrade_probe_note ON upgrade_probe (note);"];

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task ReplicaOfANewerRelease_StartedAgainstTheOlderSchema_MigratesIt_AndKeepsEveryRecord(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        await using var older = await GatewayTestHost.StartAsync(store: database, configureServices: Release(ReleaseOne));
        var beforeUpgrade = await older.Enforcement(Requests.JudgeToken).QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor));
        await using (var probe = database.OpenStore())
        {
            Assert.Equal(1, await probe.SchemaVersionAsync(Module, TestContext.Deadline));
        }

        await using var newer = await GatewayTestHost.StartAsync(store: database, configureServices: Release(ReleaseTwo));

        await using (var probe = database.OpenStore())
        {
            Assert.Equal(2, await probe.SchemaVersionAsync(Module, TestContext.Deadline));
            await using var connection = await probe.OpenAsync(TestContext.Deadline);
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(added_in_two) FROM upgrade_probe"));
        }

        // Both releases keep answering on the one store, and the audit chain spans the upgrade.
        var afterUpgrade = await older.Enforcement(Requests.JudgeToken).QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor));
        var onNewer = await newer.Enforcement(Requests.JudgeToken).QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor));
        using var auditor = newer.Rest(GatewayTestHost.Token(Roles.Auditor));
        var verification = JsonParser.Default.Parse<VerifyAuditTrailResponse>(await auditor.GetStringAsync("/v1/audit/verification"));
        Assert.True(verification.Intact, verification.Reason);
        Assert.Equal(3, verification.RecordsChecked);
        var listed = JsonParser.Default.Parse<ListAuditRecordsResponse>(await auditor.GetStringAsync("/v1/audit/records?kind=asset-query"));
        Assert.Equal(
            new[] { beforeUpgrade.QueryId, afterUpgrade.QueryId, onNewer.QueryId }.Order(),
            listed.Records.Select(r => r.RequestId).Order());
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task ReplicaOfTheOlderRelease_RestartedAfterTheUpgrade_RefusesToStart(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        await using (await GatewayTestHost.StartAsync(store: database, configureServices: Release(ReleaseTwo)))
        {
        }

        // It cannot know what the newer schema means, so it writes nothing rather than guess.
        var refusal = await Assert.ThrowsAnyAsync<Exception>(() => GatewayTestHost.StartAsync(store: database, configureServices: Release(ReleaseOne)));

        Assert.Contains("newer than this gateway knows", Flatten(refusal), StringComparison.Ordinal);
    }

    private static Action<IServiceCollection> Release(string[] migrations) =>
        services => services.AddStoreSchema(Module, migrations, migrations);

    private static string Flatten(Exception exception) =>
        exception is AggregateException aggregate
            ? string.Join(" | ", aggregate.Flatten().InnerExceptions.Select(Flatten))
            : exception.Message + (exception.InnerException is { } inner ? " | " + Flatten(inner) : string.Empty);
}
