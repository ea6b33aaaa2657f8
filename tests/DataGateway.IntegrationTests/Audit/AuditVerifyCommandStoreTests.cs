extern alias dgw;

using Dapper;
using dgw::DataGateway.Cli;
using DataGateway.Features.Store;
using DataGateway.IntegrationTests.Infrastructure;

namespace DataGateway.IntegrationTests.Audit;

/// <summary><c>dgw audit verify</c> against a trail the gateway's own code wrote, on each engine.</summary>
public sealed class AuditVerifyCommandStoreTests
{
    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Verify_TrailTheGatewayWrote_IntactThenNamesTheChangedRecord(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        await using var store = await database.OpenMigratedStoreAsync(AuditTestStore.Schema);
        using (var trail = AuditTestStore.Trail(store, TimeProvider.System))
        {
            for (var i = 1; i <= 5; i++)
            {
                await trail.AppendAsync(AuditTestStore.AssetQuery(Requests.Debtor.IdNumber!, $"q-{i}"), TestContext.Deadline);
            }
        }

        var intact = await AuditReplicaTests.DgwVerifyAsync(database);
        await using (var connection = await store.OpenAsync(TestContext.Deadline))
        {
            Assert.Equal(1, await connection.ExecuteAsync("UPDATE audit_records SET actor_subject = 'judge-wanh' WHERE sequence = 3"));
        }

        var broken = await AuditReplicaTests.DgwVerifyAsync(database);

        Assert.True(intact.ExitCode == ExitCodes.Success, intact.Error);
        Assert.StartsWith("audit trail intact: 5 records", intact.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Failure, broken.ExitCode);
        Assert.StartsWith("audit trail broken at record #3: hash does not match", broken.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_PostgresDatabaseWithoutTrail_FailsNamingTheDatabase()
    {
        await using var database = await TestStoreDatabase.CreateAsync(StoreEngine.Postgres);
        var named = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString);

        var (exitCode, output, error) = await AuditReplicaTests.DgwVerifyAsync(database);

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.Equal("", output);
        Assert.Contains($"PostgreSQL database '{named.Database}' on {named.Host} holds no audit trail (no audit_records table)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_PostgresConnectionOption_WinsOverTheVariable()
    {
        await using var database = await TestStoreDatabase.CreateAsync(StoreEngine.Postgres);
        await using var store = await database.OpenMigratedStoreAsync(AuditTestStore.Schema);
        await using var empty = await TestStoreDatabase.CreateAsync(StoreEngine.Postgres);

        // The variable points at a database without a trail; the option wins.
        var (exitCode, output, error) = await AuditReplicaTests.DgwVerifyAsync(empty, "--connection", database.ConnectionString!);

        Assert.True(exitCode == ExitCodes.Success, error);
        Assert.Equal("audit trail intact: 0 records", output.Trim());
    }
}
