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
}
