using System.Collections.Concurrent;
using Dapper;
using DataGateway.Domain.Audit;
using DataGateway.Features.Audit;
using DataGateway.Features.Store;
using DataGateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace DataGateway.IntegrationTests.Audit;

/// <summary>The trail and its reader straight on a store of each engine, and two replicas' trails on one database.</summary>
public sealed class AuditStoreTests
{
    private static string DebtorId => Requests.Debtor.IdNumber!;

    private static string OtherId => GatewayTestHost.Personas.WithTag("no-assets").IdNumber!;

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Append_ThenReadBack_StoresEveryFieldAsAppendedAndChainsFromGenesis(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        await using var store = await database.OpenMigratedStoreAsync(AuditTestStore.Schema);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 30, 0, 123, TimeSpan.Zero).AddTicks(4567));
        using var trail = AuditTestStore.Trail(store, time);

        var first = await trail.AppendAsync(
            AuditTestStore.AssetQuery(DebtorId, "q-1", new AuditActor("bank-system", "unit", "bank-sxrcb")) with { FromCache = true, Detail = "细节" },
            TestContext.Deadline);
        var second = await trail.AppendAsync(
            AuditTestStore.AssetQuery(OtherId, "q-2") with { PurposeKind = AuditPurposeKinds.None, Purpose = null, UnitsAsked = [], ItemsReturned = [] },
            TestContext.Deadline);

        Assert.Equal((1L, AuditChain.GenesisHash), (first.Sequence, first.PreviousHash));
        Assert.Equal((2L, first.Hash), (second.Sequence, second.PreviousHash));
        var rows = await new AuditReader(store).SearchAsync(new AuditFilter(), null, 10, TestContext.Deadline);
        var stored = rows.Select(r => r.TryToRecord(out var record, out var error) ? record : throw new InvalidOperationException(error)).ToList();
        // Everything the hash covers survives the round trip exactly (ticks of the time, unicode, nulls, empty lists).
        Assert.Equal([second, first], stored, new RecordComparer());
        Assert.Equal(time.GetUtcNow(), stored[1].RecordedAt);
        Assert.Equal(AuditTestStore.Hasher.Hash(DebtorId), stored[1].SubjectHash);
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Search_ByEachFilterAndPage_GivesOnlyMatchingRecordsNewestFirst(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        await using var store = await database.OpenMigratedStoreAsync(AuditTestStore.Schema);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        using var trail = AuditTestStore.Trail(store, time);
        var start = time.GetUtcNow();
        var zhao = new AuditActor("judge-zhao", "judge", null);
        await trail.AppendAsync(AuditTestStore.AssetQuery(DebtorId, "q-1"), TestContext.Deadline);
        time.Advance(TimeSpan.FromHours(1));
        await trail.AppendAsync(AuditTestStore.AssetQuery(OtherId, "q-2", zhao), TestContext.Deadline);
        await trail.AppendAsync(AuditTestStore.AssetQuery(DebtorId, "q-3", caseNumber: "(2024)浙0604执恢7号"), TestContext.Deadline);
        await trail.AppendAsync(AuditTestStore.AssetQuery(DebtorId, "q-4") with { Kind = AuditKinds.BatchRow }, TestContext.Deadline);
        time.Advance(TimeSpan.FromHours(1));
        await trail.AppendAsync(AuditTestStore.AssetQuery(DebtorId, "q-5"), TestContext.Deadline);
        var reader = new AuditReader(store);

        async Task<IEnumerable<string>> Search(AuditFilter filter, long? before = null, int limit = 10) =>
            (await reader.SearchAsync(filter, before, limit, TestContext.Deadline)).Select(r => r.RequestId);

        Assert.Equal(["q-2"], await Search(new AuditFilter { SubjectHash = AuditTestStore.Hasher.Hash(OtherId) }));
        Assert.Equal(["q-2"], await Search(new AuditFilter { ActorSubject = "judge-zhao" }));
        Assert.Equal(["q-3"], await Search(new AuditFilter { CaseNumber = "(2024)浙0604执恢7号" }));
        Assert.Equal(["q-4"], await Search(new AuditFilter { Kind = AuditKinds.BatchRow }));
        Assert.Equal(["q-4", "q-3", "q-2"], await Search(new AuditFilter { From = start.AddMinutes(30), To = start.AddMinutes(90) }));
        Assert.Equal(["q-5", "q-1"], await Search(new AuditFilter { ActorSubject = "judge-wang", Kind = AuditKinds.AssetQuery, CaseNumber = Requests.CaseNumber }));
        Assert.Equal(["q-5", "q-4"], await Search(new AuditFilter(), limit: 2));
        Assert.Equal(["q-3", "q-2"], await Search(new AuditFilter(), before: 4, limit: 2));
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Verify_IntactTrail_ThenOneColumnChangedInTheStore_NamesThatRecord(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        await using var store = await database.OpenMigratedStoreAsync(AuditTestStore.Schema);
        using var trail = AuditTestStore.Trail(store, TimeProvider.System);
        var records = new List<AuditRecord>();
        for (var i = 1; i <= 4; i++)
        {
            records.Add(await trail.AppendAsync(AuditTestStore.AssetQuery(DebtorId, $"q-{i}"), TestContext.Deadline));
        }

        var reader = new AuditReader(store);

        var intact = await reader.VerifyAsync(TestContext.Deadline);
        Assert.True(intact.IsIntact, intact.FirstBreak?.Reason);
        Assert.Equal((4L, 4L, records[^1].Hash), (intact.RecordsChecked, intact.LastSequence, intact.LastHash));

        await using (var connection = await store.OpenAsync(TestContext.Deadline))
        {
            Assert.Equal(1, await connection.ExecuteAsync("UPDATE audit_records SET from_cache = 1 - from_cache WHERE sequence = 3"));
        }

        var broken = await reader.VerifyAsync(TestContext.Deadline);
        Assert.Equal((3L, AuditBreakKind.HashMismatch), (broken.FirstBreak?.Sequence, broken.FirstBreak?.Kind));
        Assert.Equal((2L, records[1].Hash), (broken.RecordsChecked, broken.LastHash));
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Append_WhenTheStoreRefusesWrites_ThrowsAuditUnavailableAndTheNextSequenceStaysFree(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        await using var store = await database.OpenMigratedStoreAsync(AuditTestStore.Schema);
        using var trail = AuditTestStore.Trail(store, TimeProvider.System);
        await trail.AppendAsync(AuditTestStore.AssetQuery(DebtorId, "q-1"), TestContext.Deadline);
        await using (var connection = await store.OpenAsync(TestContext.Deadline))
        {
            AuditTestStore.RefuseAuditWrites(connection);
        }

        var refused = await Assert.ThrowsAsync<AuditUnavailableException>(
            () => trail.AppendAsync(AuditTestStore.AssetQuery(DebtorId, "q-2"), TestContext.Deadline));

        Assert.Contains("refuses writes", refused.InnerException!.Message, StringComparison.Ordinal);
        await using (var connection = await store.OpenAsync(TestContext.Deadline))
        {
            await connection.ExecuteAsync(engine == StoreEngine.Postgres
                ? "DROP TRIGGER refuse_audit_writes ON audit_records"
                : "DROP TRIGGER refuse_audit_writes");
        }

        // The refused group took no sequence number: the chain goes on without a gap.
        Assert.Equal(2, (await trail.AppendAsync(AuditTestStore.AssetQuery(DebtorId, "q-3"), TestContext.Deadline)).Sequence);
        Assert.True((await new AuditReader(store).VerifyAsync(TestContext.Deadline)).IsIntact);
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Append_FromTwoReplicasAtOnce_GivesOneGapFreeChainThatVerifies(StoreEngine engine)
    {
        const int TasksPerReplica = 4;
        const int PerTask = 40;
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        await using var storeA = await database.OpenMigratedStoreAsync(AuditTestStore.Schema);
        await using var storeB = database.OpenStore();
        using var trailA = AuditTestStore.Trail(storeA, TimeProvider.System);
        using var trailB = AuditTestStore.Trail(storeB, TimeProvider.System);
        var appended = new ConcurrentBag<AuditRecord>();

        // Each replica's tasks keep several appends in flight at once, so both replicas' group commits contend.
        await Task.WhenAll(new[] { ("a", trailA), ("b", trailB) }.SelectMany(replica => Enumerable.Range(0, TasksPerReplica).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < PerTask; i++)
            {
                var record = await replica.Item2.AppendAsync(AuditTestStore.AssetQuery(DebtorId, $"{replica.Item1}-{t}-{i}"), TestContext.Deadline);
                appended.Add(record);
            }
        }))));

        const int Total = 2 * TasksPerReplica * PerTask;
        Assert.Equal(Enumerable.Range(1, Total).Select(n => (long)n), appended.Select(r => r.Sequence).Order());
        foreach (var reader in new[] { new AuditReader(storeA), new AuditReader(storeB) })
        {
            var verification = await reader.VerifyAsync(TestContext.Deadline);
            Assert.True(verification.IsIntact, verification.FirstBreak?.Reason);
            Assert.Equal(Total, verification.RecordsChecked);
        }

        await using var connection = await storeB.OpenAsync(TestContext.Deadline);
        Assert.Equal(Total, await connection.ExecuteScalarAsync<long>("SELECT COUNT(DISTINCT request_id) FROM audit_records"));
        Assert.Equal(Total, await connection.ExecuteScalarAsync<long>("SELECT COUNT(DISTINCT previous_hash) FROM audit_records"));
    }

    /// <summary>Records compare their lists by reference; the trail's records are equal when every field is.</summary>
    private sealed class RecordComparer : IEqualityComparer<AuditRecord>
    {
        public bool Equals(AuditRecord? x, AuditRecord? y) =>
            x is not null && y is not null
            && x with { UnitsAsked = Array.Empty<string>(), ItemsReturned = Array.Empty<string>() }
                == y with { UnitsAsked = Array.Empty<string>(), ItemsReturned = Array.Empty<string>() }
            && x.UnitsAsked.SequenceEqual(y.UnitsAsked)
            && x.ItemsReturned.SequenceEqual(y.ItemsReturned);

        public int GetHashCode(AuditRecord obj) => obj.Sequence.GetHashCode();
    }
}
