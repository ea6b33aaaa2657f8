using Dapper;
using DataGateway.Contracts.V1;
using DataGateway.Features.Estate;
using DataGateway.Features.Store;
using DataGateway.IntegrationTests.Infrastructure;

namespace DataGateway.IntegrationTests.Estate;

/// <summary>The estate inquiries' store on each engine, and two replicas binding one notarial file at once.</summary>
public sealed class EstateStoreTests
{
    private const string FileNumber = "(2025)浙绍上证民字第1234号";

    private static readonly StoreSchema Schema = new(EstateStore.Module, EstateStore.SqliteMigrations, EstateStore.PostgresMigrations);

    private static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Save_ThenFind_GivesTheInquiryAndItsReportAsStored(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        await using var store = await database.OpenMigratedStoreAsync(Schema);
        var estate = new EstateStore(store);
        var inquiry = Inquiry("inq-1", "deceased-a");

        Assert.Null(await estate.FindFileDeceasedAsync(FileNumber, TestContext.Deadline));
        Assert.True(await estate.SaveAsync(inquiry, TestContext.Deadline));
        var found = await estate.FindAsync("inq-1", TestContext.Deadline);

        Assert.Equal("deceased-a", await estate.FindFileDeceasedAsync(FileNumber, TestContext.Deadline));
        Assert.NotNull(found);
        Assert.Equal(inquiry with { Report = found.Report }, found);
        Assert.Equal(inquiry.Report, found.Report);
        Assert.Null(await estate.FindAsync("inq-2", TestContext.Deadline));
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Save_FileBoundToAnotherDeceased_IsRefusedAndStoresNothing(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        await using var store = await database.OpenMigratedStoreAsync(Schema);
        var estate = new EstateStore(store);
        await estate.SaveAsync(Inquiry("inq-1", "deceased-a"), TestContext.Deadline);

        Assert.False(await estate.SaveAsync(Inquiry("inq-2", "deceased-b"), TestContext.Deadline));
        Assert.True(await estate.SaveAsync(Inquiry("inq-3", "deceased-a"), TestContext.Deadline));

        Assert.Null(await estate.FindAsync("inq-2", TestContext.Deadline));
        Assert.NotNull(await estate.FindAsync("inq-3", TestContext.Deadline));
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Delete_LastInquiryOfAFile_UnbindsTheFile_ButNotWhileAnotherIsUnderIt(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        await using var store = await database.OpenMigratedStoreAsync(Schema);
        var estate = new EstateStore(store);
        await estate.SaveAsync(Inquiry("inq-1", "deceased-a"), TestContext.Deadline);
        await estate.SaveAsync(Inquiry("inq-2", "deceased-a"), TestContext.Deadline);

        await estate.DeleteAsync("inq-1", TestContext.Deadline);
        Assert.Equal("deceased-a", await estate.FindFileDeceasedAsync(FileNumber, TestContext.Deadline));
        await estate.DeleteAsync("inq-2", TestContext.Deadline);

        Assert.Null(await estate.FindFileDeceasedAsync(FileNumber, TestContext.Deadline));
        Assert.True(await estate.SaveAsync(Inquiry("inq-3", "deceased-b"), TestContext.Deadline));
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Save_OneFileForTwoDeceasedOnTwoReplicasAtOnce_BindsItToExactlyOne(StoreEngine engine)
    {
        const int Files = 20;
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        await using var storeA = await database.OpenMigratedStoreAsync(Schema);
        await using var storeB = database.OpenStore();
        var replicas = new[] { new EstateStore(storeA), new EstateStore(storeB) };

        var saves = Enumerable.Range(0, Files).SelectMany(n => replicas.Select((replica, r) =>
        {
            var inquiry = Inquiry($"inq-{n}-{r}", $"deceased-{r}", $"(2025)浙绍上证民字第{2000 + n}号");
            return Task.Run(async () => (inquiry.NotarialFileNumber, Saved: await replica.SaveAsync(inquiry, TestContext.Deadline)));
        }));
        var results = await Task.WhenAll(saves);

        Assert.All(results.GroupBy(r => r.NotarialFileNumber), file => Assert.Single(file, r => r.Saved));
        await using var connection = await storeB.OpenAsync(TestContext.Deadline);
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM estate_inquiries i JOIN estate_files f ON f.notarial_file_number = i.notarial_file_number WHERE f.deceased_hash <> i.deceased_hash"));
        Assert.Equal((long)Files, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM estate_inquiries"));
    }

    private static StoredEstateInquiry Inquiry(string id, string deceasedHash, string file = FileNumber) => new(
        id,
        file,
        "浙绍上",
        "notary-zhou",
        deceasedHash,
        "applicant-hash",
        Now,
        new EstateReport
        {
            InquiryId = id,
            NotarialFileNumber = file,
            NotaryOffice = "浙绍上",
            Notary = "notary-zhou",
            Deceased = new Subject { IdNumber = "330604********0011", Name = "测试逝者" },
            Coverage = new EstateCoverage { ItemsAsked = 107, ItemsAnswered = 99 },
            CreatedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(Now),
            ElapsedMs = 1234,
        });
}
