using System.Text.Json;
using Dapper;
using DataGateway.Contracts.V1;
using DataGateway.Features.Cases;
using DataGateway.Features.Store;
using DataGateway.IntegrationTests.Infrastructure;

namespace DataGateway.IntegrationTests.Cases;

/// <summary>The registry's store on each engine, and two replicas' stores writing one case at once.</summary>
public sealed class CaseStoreTests
{
    private static readonly StoreSchema Schema = new(CaseStore.Module, CaseStore.SqliteMigrations, CaseStore.PostgresMigrations);

    private static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Put_NewCase_IsCreatedAndFoundAsRegistered(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        await using var store = await database.OpenMigratedStoreAsync(Schema);
        var cases = new CaseStore(store);
        var registration = Registration("(2026)浙0604执501号", "judge-wang", "judge-li");

        var (change, _) = await cases.PutAsync(registration, "court-system-0604", Now, TestContext.Deadline);
        var found = await cases.FindAsync(registration.CaseNumber, TestContext.Deadline);

        Assert.Equal(CaseChange.Created, change);
        Assert.NotNull(found);
        Assert.True(found.Registration.SameContentAs(registration));
        Assert.Equal(Now, found.UpdatedAt);
        Assert.Null(await cases.FindAsync("(2026)浙0604执502号", TestContext.Deadline));
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Put_SameContentAgain_IsUnchangedAndKeepsTheFirstTime(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        await using var store = await database.OpenMigratedStoreAsync(Schema);
        var cases = new CaseStore(store);
        var registration = Registration("(2026)浙0604执503号", "judge-wang");
        await cases.PutAsync(registration, "court-system-0604", Now, TestContext.Deadline);

        var (change, registered) = await cases.PutAsync(registration with { Officers = ["judge-wang"] }, "court-system-0604", Now.AddHours(1), TestContext.Deadline);

        Assert.Equal(CaseChange.Unchanged, change);
        Assert.Equal(Now, registered.UpdatedAt);
        Assert.Equal(Now, (await cases.FindAsync(registration.CaseNumber, TestContext.Deadline))!.UpdatedAt);
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Put_ChangedOfficersPartiesAndState_IsUpdatedAndReplacesTheRows(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        await using var store = await database.OpenMigratedStoreAsync(Schema);
        var cases = new CaseStore(store);
        var first = Registration("(2026)浙0604执504号", "judge-wang", "judge-li");
        await cases.PutAsync(first, "court-system-0604", Now, TestContext.Deadline);
        var second = first with
        {
            Officers = ["judge-zhao"],
            Parties = [first.Parties[1]],
            State = CaseState.Closed,
        };

        var (change, _) = await cases.PutAsync(second, "court-system-0604", Now.AddDays(1), TestContext.Deadline);
        var found = await cases.FindAsync(first.CaseNumber, TestContext.Deadline);

        Assert.Equal(CaseChange.Updated, change);
        Assert.True(found!.Registration.SameContentAs(second));
        Assert.Equal(Now.AddDays(1), found.UpdatedAt);
        await using var connection = await store.OpenAsync(TestContext.Deadline);
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM case_officers"));
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM case_parties"));
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Put_OneCaseOnTwoReplicasAtOnce_ExactlyOneReportsCreated(StoreEngine engine)
    {
        const int Cases = 20;
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        await using var storeA = await database.OpenMigratedStoreAsync(Schema);
        await using var storeB = database.OpenStore();
        var replicas = new[] { new CaseStore(storeA), new CaseStore(storeB) };

        // Each case is put by both replicas at the same moment, twice each, so the reads race the first insert.
        var puts = Enumerable.Range(0, Cases).SelectMany(n => replicas.SelectMany(replica => Enumerable.Range(0, 2).Select(_ =>
        {
            var registration = Registration($"(2026)浙0604执{600 + n}号", "judge-wang", "judge-li");
            return Task.Run(async () => (registration.CaseNumber, (await replica.PutAsync(registration, "court-system-0604", Now, TestContext.Deadline)).Change));
        })));
        var results = await Task.WhenAll(puts);

        Assert.All(results.GroupBy(r => r.CaseNumber), group =>
            Assert.Equal([CaseChange.Created, CaseChange.Unchanged, CaseChange.Unchanged, CaseChange.Unchanged], group.Select(r => r.Change).Order()));
        await using var connection = await storeB.OpenAsync(TestContext.Deadline);
        Assert.Equal(Cases * 2L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM case_officers"));
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Seed_TwoReplicasStartingTogether_RegisterEveryCaseOnce(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        var starting = new[] { GatewayTestHost.StartAsync(store: database), GatewayTestHost.StartAsync(store: database) };
        try
        {
            await Task.WhenAll(starting);
        }
        finally
        {
            foreach (var host in starting.Where(t => t.IsCompletedSuccessfully))
            {
                await (await host).DisposeAsync();
            }
        }

        using var seedFile = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(GatewayTestHost.ConfigDirectory, "cases.json")));
        var seeds = seedFile.RootElement.GetProperty("cases").EnumerateArray().ToList();
        await using var store = database.OpenStore();
        await using var connection = await store.OpenAsync(TestContext.Deadline);
        Assert.Equal(seeds.Count, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM cases WHERE updated_by = 'development-seed'"));
        Assert.Equal(
            seeds.Sum(c => c.GetProperty("officers").GetArrayLength()),
            await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM case_officers"));
        Assert.Equal(
            seeds.Sum(c => c.GetProperty("parties").GetArrayLength()),
            await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM case_parties"));
    }

    private static CaseRegistration Registration(string caseNumber, params string[] officers) => new(
        caseNumber,
        CaseTesting.Court,
        "执",
        officers,
        [
            new RegisteredParty(PartyRole.Debtor, "测试被执行人", IdentifierKind.IdNumber, "debtor-hash-" + caseNumber, "330604********0011"),
            new RegisteredParty(PartyRole.Applicant, "绍兴市上虞区鑫达建材有限公司", IdentifierKind.CreditCode, "hash-of-applicant", "91330604********XY"),
        ],
        CaseState.Open,
        new DateOnly(2026, 1, 5));
}
