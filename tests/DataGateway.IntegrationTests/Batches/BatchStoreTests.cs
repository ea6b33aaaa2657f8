using DataGateway.Contracts.V1;
using DataGateway.Features.Batches;
using DataGateway.Features.Cases;
using DataGateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DataGateway.IntegrationTests.Batches;

/// <summary>The store's leases: how two replicas share a batch's subjects without asking about one twice.</summary>
public sealed class BatchStoreTests
{
    private static readonly BatchOwner Owner = new("judge-wang", "judge", "浙0604");

    private static async Task<(GatewayTestHost Host, IBatchStore Store)> StartAsync()
    {
        // No runner: the test plays the replicas.
        var host = await GatewayTestHost.StartAsync(settings: new Dictionary<string, string?> { ["Batches:RunnerEnabled"] = "false" });
        return (host, host.Services.GetRequiredService<IBatchStore>());
    }

    private static NewBatch Batch(int subjects, DateTimeOffset at) => new(
        Guid.CreateVersion7(at).ToString(),
        Owner,
        BatchTesting.CaseNumber(7400),
        ["REAL_ESTATE"],
        Fresh: false,
        RowsSubmitted: subjects,
        [.. Enumerable.Range(0, subjects).Select(i => new NewBatchSubject(
            i, [i], BatchTesting.CaseNumber(7400), IdentifierKind.IdNumber, BatchTesting.PersonId(i), $"hash-{i}", $"masked-{i}", $"被执行人{i}"))],
        [new BatchUnit("realestate-registry", "上虞区不动产登记服务中心")],
        at);

    private static SubjectOutcome Answered() => new(
        BatchSubjectState.Answered,
        [new UnitAnswer { UnitId = "realestate-registry", UnitName = "上虞区不动产登记服务中心", Status = UnitStatus.NotFound }],
        null);

    [Fact]
    public async Task Claim_LiveLeaseOfAnotherReplica_IsNotTaken_UntilItExpires()
    {
        var (host, store) = await StartAsync();
        await using var _ = host;
        var now = host.Time.GetUtcNow();
        var batch = Batch(3, now);
        await store.CreateAsync(batch, TestContext.Deadline);

        var a = await store.ClaimAsync("replica-a", 10, now, now.AddMinutes(2), TestContext.Deadline);
        var bEarly = await store.ClaimAsync("replica-b", 10, now.AddMinutes(1), now.AddMinutes(3), TestContext.Deadline);
        var bLate = await store.ClaimAsync("replica-b", 10, now.AddMinutes(3), now.AddMinutes(5), TestContext.Deadline);

        Assert.Equal([0, 1, 2], a.Select(s => s.Position));
        Assert.Equal(BatchTesting.PersonId(1), a[1].Identifier);
        Assert.Empty(bEarly);
        Assert.Equal([0, 1, 2], bLate.Select(s => s.Position));
        // The replica that lost its lease cannot store over the one that took it over.
        Assert.False(await store.CompleteAsync(a[0], Answered(), now.AddMinutes(3), TestContext.Deadline));
        Assert.True(await store.CompleteAsync(bLate[0], Answered(), now.AddMinutes(3), TestContext.Deadline));
        Assert.False(await store.CompleteAsync(bLate[0], Answered(), now.AddMinutes(3), TestContext.Deadline));
        var stored = await store.GetAsync(batch.BatchId, Owner.Subject, TestContext.Deadline);
        Assert.Equal(BatchState.Running, stored!.State);
        Assert.Equal(1, stored.Done);
        Assert.Equal(1, stored.Units.Single().NotFound);
    }

    [Fact]
    public async Task ReleaseAll_AtStart_GivesBackOnlyThatReplicasLeases()
    {
        var (host, store) = await StartAsync();
        await using var _ = host;
        var now = host.Time.GetUtcNow();
        await store.CreateAsync(Batch(4, now), TestContext.Deadline);
        await store.ClaimAsync("replica-a", 2, now, now.AddHours(1), TestContext.Deadline);
        await store.ClaimAsync("replica-b", 2, now, now.AddHours(1), TestContext.Deadline);

        // replica-a was killed and starts again: its two subjects are free at once, replica-b's are still its own.
        Assert.Equal(2, await store.ReleaseAllAsync("replica-a", TestContext.Deadline));
        var retaken = await store.ClaimAsync("replica-a", 10, now, now.AddHours(1), TestContext.Deadline);

        Assert.Equal([0, 1], retaken.Select(s => s.Position));
    }

    [Fact]
    public async Task Complete_LastSubject_CompletesTheBatch_AndDropsEveryPlainIdentifier()
    {
        var (host, store) = await StartAsync();
        await using var _ = host;
        var now = host.Time.GetUtcNow();
        var batch = Batch(2, now);
        await store.CreateAsync(batch, TestContext.Deadline);
        Assert.Equal(2, host.Count("SELECT COUNT(*) FROM batch_subjects WHERE identifier IS NOT NULL"));

        foreach (var subject in await store.ClaimAsync("replica-a", 10, now, now.AddMinutes(2), TestContext.Deadline))
        {
            Assert.True(await store.CompleteAsync(subject, Answered(), now.AddSeconds(1), TestContext.Deadline));
        }

        var stored = await store.GetAsync(batch.BatchId, Owner.Subject, TestContext.Deadline);
        Assert.Equal(BatchState.Completed, stored!.State);
        Assert.Equal(now.AddSeconds(1), stored.FinishedAt.ToDateTimeOffset());
        Assert.Equal(0, host.Count("SELECT COUNT(*) FROM batch_subjects WHERE identifier IS NOT NULL"));
        Assert.Null(await store.GetAsync(batch.BatchId, "judge-li", TestContext.Deadline));
    }
}
