using System.Collections.Concurrent;
using Dapper;
using DataGateway.Domain.Audit;
using DataGateway.Features.Audit;
using DataGateway.Features.Privacy;
using DataGateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DataGateway.IntegrationTests.Audit;

public sealed class AuditTrailTests
{
    [Fact]
    public async Task Append_FromManyTasksAtOnce_GivesOneIntactChainWithoutDuplicates()
    {
        const int Tasks = 8;
        const int PerTask = 25;
        await using var host = await GatewayTestHost.StartAsync();
        var trail = host.Trail();
        var appended = new ConcurrentBag<AuditRecord>();

        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < PerTask; i++)
            {
                appended.Add(await trail.AppendAsync(AuditTestStore.AssetQuery(Requests.Debtor.IdNumber!, $"q-{t}-{i}"), TestContext.Deadline));
            }
        })));

        Assert.Equal(Enumerable.Range(1, Tasks * PerTask).Select(n => (long)n), appended.Select(r => r.Sequence).Order());
        var verification = await host.Services.GetRequiredService<AuditReader>().VerifyAsync(TestContext.Deadline);
        Assert.True(verification.IsIntact, verification.FirstBreak?.Reason);
        Assert.Equal(Tasks * PerTask, verification.RecordsChecked);
        using var store = host.OpenStore();
        Assert.Equal(Tasks * PerTask, store.ExecuteScalar<long>("SELECT COUNT(DISTINCT request_id) FROM audit_records"));
        Assert.Equal(Tasks * PerTask, store.ExecuteScalar<long>("SELECT COUNT(DISTINCT previous_hash) FROM audit_records"));
    }

    [Fact]
    public async Task Append_RecordsTheClocksTimeAndTheActor_AndOnlyAKeyedHashOfTheSubject()
    {
        await using var host = await GatewayTestHost.StartAsync();
        host.Time.Advance(TimeSpan.FromMinutes(7));
        var id = Requests.Debtor.IdNumber!;

        var record = await host.Trail().AppendAsync(
            AuditTestStore.AssetQuery(id, "q-1", new AuditActor("bank-system", "unit", "bank-sxrcb")) with { FromCache = true },
            TestContext.Deadline);

        Assert.Equal(host.Time.GetUtcNow(), record.RecordedAt);
        Assert.Equal(1, record.Sequence);
        Assert.Equal(AuditChain.GenesisHash, record.PreviousHash);
        Assert.Equal(AuditChain.ComputeHash(AuditChain.GenesisHash, record), record.Hash);
        Assert.Equal(host.Services.GetRequiredService<KeyedHasher>().Hash(id), record.SubjectHash);
        Assert.Equal(("bank-system", "unit", "bank-sxrcb"), (record.ActorSubject, record.ActorRoles, record.ActorUnitId));
        Assert.True(record.FromCache);
    }

    [Fact]
    public async Task Append_WhenTheStoreRefusesWrites_ThrowsAuditUnavailableAndStoresNothing()
    {
        await using var host = await GatewayTestHost.StartAsync();
        await host.Trail().AppendAsync(AuditTestStore.AssetQuery(Requests.Debtor.IdNumber!, "q-1"), TestContext.Deadline);
        host.RefuseAuditWrites();

        var refused = await Assert.ThrowsAsync<AuditUnavailableException>(
            () => host.Trail().AppendAsync(AuditTestStore.AssetQuery(Requests.Debtor.IdNumber!, "q-2"), TestContext.Deadline));

        Assert.Contains("refuses writes", refused.InnerException!.Message, StringComparison.Ordinal);
        Assert.Equal(1, host.CountRecords());
    }

    [Fact]
    public async Task Append_UnknownKind_IsRefusedAsTheCallersBug()
    {
        await using var host = await GatewayTestHost.StartAsync();

        var refused = await Assert.ThrowsAsync<ArgumentException>(
            () => host.Trail().AppendAsync(AuditTestStore.AssetQuery(Requests.Debtor.IdNumber!, "q-1") with { Kind = "query" }, TestContext.Deadline));

        Assert.Contains("AccessRecord.Kind 'query' is not one of asset-query", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, host.CountRecords());
    }

    [Fact]
    public async Task AppendAll_WhileOthersAppend_StoresTheRecordsConsecutivelyInTheirOrder()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var trail = host.Trail();
        // More records than one group holds: an append of many is never split across transactions.
        var items = Enumerable.Range(0, 600).Select(i => AuditTestStore.AssetQuery(Requests.Debtor.IdNumber!, $"item-{i}")).ToList();

        var singles = Enumerable.Range(0, 20).Select(i => Task.Run(() => trail.AppendAsync(AuditTestStore.AssetQuery(Requests.Debtor.IdNumber!, $"single-{i}"), TestContext.Deadline))).ToList();
        var stored = await trail.AppendAllAsync(items, TestContext.Deadline);
        await Task.WhenAll(singles);

        Assert.Equal(items.Select(r => r.RequestId), stored.Select(r => r.RequestId));
        Assert.Equal(Enumerable.Range(0, 600).Select(i => stored[0].Sequence + i), stored.Select(r => r.Sequence));
        Assert.All(stored.Skip(1).Zip(stored), pair => Assert.Equal(pair.Second.Hash, pair.First.PreviousHash));
        var verification = await host.Services.GetRequiredService<AuditReader>().VerifyAsync(TestContext.Deadline);
        Assert.True(verification.IsIntact, verification.FirstBreak?.Reason);
        Assert.Equal(620, verification.RecordsChecked);
    }

    [Fact]
    public async Task AppendAll_OneRecordNotValid_RefusesThemAllAndStoresNothing()
    {
        await using var host = await GatewayTestHost.StartAsync();
        AccessRecord[] records =
        [
            AuditTestStore.AssetQuery(Requests.Debtor.IdNumber!, "q-1"),
            AuditTestStore.AssetQuery(Requests.Debtor.IdNumber!, "q-2") with { Kind = "query" },
        ];

        await Assert.ThrowsAsync<ArgumentException>(() => host.Trail().AppendAllAsync(records, TestContext.Deadline));
        await Assert.ThrowsAsync<ArgumentException>(() => host.Trail().AppendAllAsync([], TestContext.Deadline));

        Assert.Equal(0, host.CountRecords());
    }

    [Fact]
    public async Task AppendAll_WhenTheStoreRefusesWrites_StoresNoneOfThem()
    {
        await using var host = await GatewayTestHost.StartAsync();
        host.RefuseAuditWrites();
        var records = Enumerable.Range(0, 5).Select(i => AuditTestStore.AssetQuery(Requests.Debtor.IdNumber!, $"q-{i}")).ToList();

        await Assert.ThrowsAsync<AuditUnavailableException>(() => host.Trail().AppendAllAsync(records, TestContext.Deadline));

        Assert.Equal(0, host.CountRecords());
    }
}
