using System.Collections.Concurrent;
using Dapper;
using DataGateway.Contracts.V1;
using DataGateway.Features.Batches;
using DataGateway.Features.Cases;
using DataGateway.Features.Store;
using DataGateway.IntegrationTests.Infrastructure;

namespace DataGateway.IntegrationTests.Batches;

/// <summary>
/// The batch store on both engines, without a gateway: the test plays the replicas, each with a store object of its own
/// on one database, as two gateway processes would have.
/// </summary>
public sealed class BatchStoreTests
{
    private static readonly BatchOwner Owner = new("judge-wang", "judge", "浙0604");

    private static readonly StoreSchema Schema = new(BatchStore.Module, BatchStore.Migrations, BatchStore.PostgresMigrations);

    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static NewBatch Batch(int subjects, DateTimeOffset at, bool fresh = false) => new(
        Guid.CreateVersion7(at).ToString(),
        Owner,
        BatchTesting.CaseNumber(7400),
        ["REAL_ESTATE", "VEHICLE"],
        fresh,
        RowsSubmitted: subjects + 1,
        [.. Enumerable.Range(0, subjects).Select(i => new NewBatchSubject(
            i, i == 0 ? [0, subjects] : [i], BatchTesting.CaseNumber(7400), IdentifierKind.IdNumber, BatchTesting.PersonId(i), $"hash-{i}", $"masked-{i}", $"被执行人{i}"))],
        [new BatchUnit("realestate-registry", "上虞区不动产登记服务中心"), new BatchUnit("vehicle-admin", "上虞区车辆管理所")],
        at);

    private static SubjectOutcome Answered(int position = 0) => new(
        BatchSubjectState.Answered,
        [
            new UnitAnswer
            {
                UnitId = "realestate-registry",
                UnitName = "上虞区不动产登记服务中心",
                Status = UnitStatus.Ok,
                Assets =
                {
                    new Asset
                    {
                        AssetKind = "REAL_ESTATE",
                        DataItem = "ENF-RE-UNITS",
                        Reference = $"浙(2024)上虞区不动产权第{position:D7}号",
                        Flags = { "MORTGAGED" },
                        Attributes = { ["area_m2"] = "89.50" },
                    },
                },
            },
            new UnitAnswer { UnitId = "vehicle-admin", UnitName = "上虞区车辆管理所", Status = UnitStatus.Timeout },
        ],
        null);

    private static async Task<(GatewayStore Store, BatchStore Batches)> ReplicaAsync(TestStoreDatabase database)
    {
        var store = await database.OpenMigratedStoreAsync(Schema);
        return (store, new BatchStore(store));
    }

    private static async Task<long> CountAsync(GatewayStore store, string sql)
    {
        await using var connection = await store.OpenAsync(TestContext.Deadline);
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task SubmitClaimComplete_ResultsReadBackInBatchOrderAsAnswered(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        var (store, batches) = await ReplicaAsync(database);
        await using var _ = store;
        var batch = Batch(5, Now, fresh: true);

        await batches.CreateAsync(batch, TestContext.Deadline);
        var queued = await batches.GetAsync(batch.BatchId, Owner.Subject, TestContext.Deadline);
        var claimed = await batches.ClaimAsync("replica-a", 3, Now, Now.AddMinutes(2), TestContext.Deadline);
        foreach (var subject in claimed.Take(2))
        {
            Assert.True(await batches.CompleteAsync(subject, Answered(subject.Position), Now.AddSeconds(1), TestContext.Deadline));
        }

        var running = await batches.GetAsync(batch.BatchId, Owner.Subject, TestContext.Deadline);
        var page = await batches.ListResultsAsync(batch.BatchId, Owner.Subject, 1, 3, TestContext.Deadline);

        Assert.Equal(BatchState.Queued, queued!.State);
        Assert.Equal((6, 5, 0), (queued.RowsSubmitted, queued.Total, queued.Done));
        Assert.Equal(["realestate-registry", "vehicle-admin"], queued.Units.Select(u => u.UnitId));
        Assert.Equal([0, 1, 2], claimed.Select(s => s.Position));
        Assert.All(claimed, s => Assert.Equal(claimed[0].LeaseToken, s.LeaseToken));
        Assert.Equal(
            (BatchTesting.PersonId(2), "被执行人2", IdentifierKind.IdNumber, BatchTesting.CaseNumber(7400), Owner, true),
            (claimed[2].Identifier, claimed[2].Name, claimed[2].Kind, claimed[2].CaseNumber, claimed[2].Owner, claimed[2].Fresh));
        Assert.Equal(["REAL_ESTATE", "VEHICLE"], claimed[2].AssetKinds);

        Assert.Equal(BatchState.Running, running!.State);
        Assert.Equal((2, 2), (running.Done, running.Failed));
        Assert.Equal([(2, 0), (0, 2)], running.Units.Select(u => (u.Ok, u.Timeout)));

        Assert.Equal(5, page!.Total);
        Assert.Equal([1, 2, 3], page.Results.Select(r => r.Position));
        Assert.Equal([BatchSubjectState.Answered, BatchSubjectState.Pending, BatchSubjectState.Pending], page.Results.Select(r => r.State));
        var answered = page.Results[0];
        Assert.Equal(("masked-1", "被执行人1", false), (answered.IdNumber, answered.Name, answered.Complete));
        Assert.Equal(Now.AddSeconds(1), answered.AnsweredAt.ToDateTimeOffset());
        Assert.Equal(Answered(1).Answers, answered.Units);
        Assert.Equal([0, 5], (await batches.ListResultsAsync(batch.BatchId, Owner.Subject, 0, 1, TestContext.Deadline))!.Results[0].Rows);
        Assert.Null(await batches.ListResultsAsync(batch.BatchId, "judge-li", 0, 10, TestContext.Deadline));
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Complete_LastSubject_CompletesTheBatch_AndDropsEveryPlainIdentifier(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        var (store, batches) = await ReplicaAsync(database);
        await using var _ = store;
        var batch = Batch(2, Now);
        await batches.CreateAsync(batch, TestContext.Deadline);
        Assert.Equal(2, await CountAsync(store, "SELECT COUNT(*) FROM batch_subjects WHERE identifier IS NOT NULL"));

        foreach (var subject in await batches.ClaimAsync("replica-a", 10, Now, Now.AddMinutes(2), TestContext.Deadline))
        {
            Assert.True(await batches.CompleteAsync(subject, Answered(), Now.AddSeconds(1), TestContext.Deadline));
        }

        var stored = await batches.GetAsync(batch.BatchId, Owner.Subject, TestContext.Deadline);
        Assert.Equal(BatchState.Completed, stored!.State);
        Assert.Equal(Now.AddSeconds(1), stored.FinishedAt.ToDateTimeOffset());
        Assert.Equal(0, await CountAsync(store, "SELECT COUNT(*) FROM batch_subjects WHERE identifier IS NOT NULL"));
        Assert.Null(await batches.GetAsync(batch.BatchId, "judge-li", TestContext.Deadline));
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Cancel_RunningBatch_CancelsEveryUnfinishedSubject_AndRefusesTheRunnersLateResult(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        var (store, batches) = await ReplicaAsync(database);
        await using var _ = store;
        var batch = Batch(4, Now);
        await batches.CreateAsync(batch, TestContext.Deadline);
        var claimed = await batches.ClaimAsync("replica-a", 2, Now, Now.AddMinutes(2), TestContext.Deadline);
        Assert.True(await batches.CompleteAsync(claimed[0], Answered(), Now.AddSeconds(1), TestContext.Deadline));

        Assert.Null(await batches.CancelAsync(batch.BatchId, "judge-li", Now.AddSeconds(2), TestContext.Deadline));
        var cancelled = await batches.CancelAsync(batch.BatchId, Owner.Subject, Now.AddSeconds(2), TestContext.Deadline);
        var late = await batches.CompleteAsync(claimed[1], Answered(), Now.AddSeconds(3), TestContext.Deadline);
        var again = await batches.CancelAsync(batch.BatchId, Owner.Subject, Now.AddSeconds(4), TestContext.Deadline);
        var results = await batches.ListResultsAsync(batch.BatchId, Owner.Subject, 0, 10, TestContext.Deadline);

        Assert.Equal((BatchState.Cancelled, 1), (cancelled!.State, cancelled.Done));
        Assert.Equal(Now.AddSeconds(2), cancelled.FinishedAt.ToDateTimeOffset());
        Assert.False(late);
        Assert.Equal(cancelled, again);
        Assert.Equal(
            [BatchSubjectState.Answered, BatchSubjectState.Cancelled, BatchSubjectState.Cancelled, BatchSubjectState.Cancelled],
            results!.Results.Select(r => r.State));
        Assert.Empty(await batches.ClaimAsync("replica-b", 10, Now.AddHours(1), Now.AddHours(2), TestContext.Deadline));
        Assert.Equal(0, await CountAsync(store, "SELECT COUNT(*) FROM batch_subjects WHERE identifier IS NOT NULL OR lease_token IS NOT NULL"));
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Cancel_CompletedBatch_LeavesItCompleted(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        var (store, batches) = await ReplicaAsync(database);
        await using var _ = store;
        var batch = Batch(1, Now);
        await batches.CreateAsync(batch, TestContext.Deadline);
        var subject = Assert.Single(await batches.ClaimAsync("replica-a", 10, Now, Now.AddMinutes(2), TestContext.Deadline));
        await batches.CompleteAsync(subject, Answered(), Now.AddSeconds(1), TestContext.Deadline);

        var afterCancel = await batches.CancelAsync(batch.BatchId, Owner.Subject, Now.AddSeconds(2), TestContext.Deadline);

        Assert.Equal(BatchState.Completed, afterCancel!.State);
        Assert.Equal(Now.AddSeconds(1), afterCancel.FinishedAt.ToDateTimeOffset());
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Claim_ExpiredLeaseOfAnotherReplica_IsTakenOver_AndTheStaleHoldersResultIsRefused(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        var (storeA, a) = await ReplicaAsync(database);
        await using var _ = storeA;
        var (storeB, b) = await ReplicaAsync(database);
        await using var __ = storeB;
        var batch = Batch(3, Now);
        await a.CreateAsync(batch, TestContext.Deadline);

        var heldByA = await a.ClaimAsync("replica-a", 10, Now, Now.AddMinutes(2), TestContext.Deadline);
        var bEarly = await b.ClaimAsync("replica-b", 10, Now.AddMinutes(1), Now.AddMinutes(3), TestContext.Deadline);
        var bLate = await b.ClaimAsync("replica-b", 10, Now.AddMinutes(3), Now.AddMinutes(5), TestContext.Deadline);

        Assert.Equal([0, 1, 2], heldByA.Select(s => s.Position));
        Assert.Empty(bEarly);
        Assert.Equal([0, 1, 2], bLate.Select(s => s.Position));
        Assert.Equal(BatchTesting.PersonId(1), bLate[1].Identifier);
        // The replica that lost its lease cannot store over the one that took it over, nor give it back.
        Assert.False(await a.CompleteAsync(heldByA[0], Answered(), Now.AddMinutes(3), TestContext.Deadline));
        await a.ReleaseAsync(heldByA, TestContext.Deadline);
        Assert.True(await b.CompleteAsync(bLate[0], Answered(), Now.AddMinutes(3), TestContext.Deadline));
        Assert.False(await b.CompleteAsync(bLate[0], Answered(), Now.AddMinutes(3), TestContext.Deadline));
        Assert.False(await a.CompleteAsync(heldByA[1], Answered(), Now.AddMinutes(3), TestContext.Deadline));
        var stored = await a.GetAsync(batch.BatchId, Owner.Subject, TestContext.Deadline);
        Assert.Equal(BatchState.Running, stored!.State);
        Assert.Equal(1, stored.Done);
        Assert.Equal(1, stored.Units[0].Ok);
        Assert.Equal(2, await CountAsync(storeA, "SELECT COUNT(*) FROM batch_subjects WHERE state = 'LEASED' AND lease_owner = 'replica-b'"));
        Assert.Equal(3, await CountAsync(storeA, "SELECT COUNT(*) FROM batch_subjects WHERE attempts = 2"));
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Release_GivesSubjectsBackForAnyReplicaAtOnce(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        var (store, batches) = await ReplicaAsync(database);
        await using var _ = store;
        await batches.CreateAsync(Batch(4, Now), TestContext.Deadline);
        var a = await batches.ClaimAsync("replica-a", 2, Now, Now.AddHours(1), TestContext.Deadline);
        await batches.ClaimAsync("replica-b", 2, Now, Now.AddHours(1), TestContext.Deadline);

        await batches.ReleaseAsync(a, TestContext.Deadline);
        var retaken = await batches.ClaimAsync("replica-c", 10, Now, Now.AddHours(1), TestContext.Deadline);

        Assert.Equal([0, 1], retaken.Select(s => s.Position));
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Claim_TwoReplicasAtOnce_TakeDisjointSubjects_EachClaimedOnce(StoreEngine engine)
    {
        const int subjects = 240;
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        var (storeA, a) = await ReplicaAsync(database);
        await using var _ = storeA;
        var (storeB, b) = await ReplicaAsync(database);
        await using var __ = storeB;
        var first = Batch(subjects / 2, Now);
        var second = Batch(subjects / 2, Now.AddMilliseconds(1));
        await a.CreateAsync(first, TestContext.Deadline);
        await b.CreateAsync(second, TestContext.Deadline);
        var claims = new ConcurrentBag<(string Replica, string BatchId, int Position)>();

        // Each replica claims small handfuls and stores them, as runners do, until nothing is left to claim.
        async Task RunAsync(BatchStore replica, string name)
        {
            await Task.Yield();
            while (true)
            {
                var claimed = await replica.ClaimAsync(name, 7, Now, Now.AddHours(1), TestContext.Deadline);
                if (claimed.Count == 0)
                {
                    return;
                }

                foreach (var subject in claimed)
                {
                    claims.Add((name, subject.BatchId, subject.Position));
                    Assert.True(await replica.CompleteAsync(subject, Answered(subject.Position), Now, TestContext.Deadline));
                }
            }
        }

        await Task.WhenAll(RunAsync(a, "replica-a"), RunAsync(b, "replica-b"));

        var expected = new[] { first, second }.SelectMany(x => Enumerable.Range(0, subjects / 2).Select(p => (x.BatchId, p))).Order();
        Assert.Equal(expected, claims.Select(c => (c.BatchId, c.Position)).Order());
        Assert.Equal(0, await CountAsync(storeA, "SELECT COUNT(*) FROM batch_subjects WHERE attempts <> 1 OR state <> 'ANSWERED'"));
        foreach (var batch in new[] { first, second })
        {
            var stored = await a.GetAsync(batch.BatchId, Owner.Subject, TestContext.Deadline);
            Assert.Equal((BatchState.Completed, subjects / 2), (stored!.State, stored.Done));
            Assert.Equal(subjects / 2, stored.Units[0].Ok);
        }
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Write_ResultsAndAClaimTogether_StoresWhatIsStillLeased_AndLeasesTheNext(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        var (store, batches) = await ReplicaAsync(database);
        await using var _ = store;
        var batch = Batch(6, Now);
        await batches.CreateAsync(batch, TestContext.Deadline);
        var claimed = await batches.ClaimAsync("replica-a", 3, Now, Now.AddMinutes(2), TestContext.Deadline);
        // The lease of position 1 was lost meanwhile: a result carrying the old token must not be stored.
        var stale = claimed[1] with { LeaseToken = "a-token-no-longer-held" };

        var written = await batches.WriteAsync(
            [new SubjectCompletion(claimed[2], Answered(2)), new SubjectCompletion(stale, Answered(1)), new SubjectCompletion(claimed[0], Answered(0))],
            new ClaimRequest("replica-a", 2, Now.AddMinutes(3)),
            Now.AddSeconds(1),
            TestContext.Deadline);
        var stored = await batches.GetAsync(batch.BatchId, Owner.Subject, TestContext.Deadline);
        var results = await batches.ListResultsAsync(batch.BatchId, Owner.Subject, 0, 10, TestContext.Deadline);

        Assert.Equal([true, false, true], written.Stored);
        Assert.Equal([3, 4], written.Claimed.Select(s => s.Position));
        Assert.Empty(written.Finished);
        Assert.Equal((2, 2), (stored!.Done, stored.Failed));
        Assert.Equal([(2, 0), (0, 2)], stored.Units.Select(u => (u.Ok, u.Timeout)));
        Assert.Equal(
            [BatchSubjectState.Answered, BatchSubjectState.Pending, BatchSubjectState.Answered, BatchSubjectState.Pending, BatchSubjectState.Pending, BatchSubjectState.Pending],
            results!.Results.Select(r => r.State));
        Assert.Equal(Answered(2).Answers, results.Results[2].Units);
        Assert.Equal(1, await CountAsync(store, "SELECT COUNT(*) FROM batch_subjects WHERE state = 'LEASED' AND position = 1"));
        Assert.Equal(4, await CountAsync(store, "SELECT COUNT(*) FROM batch_subjects WHERE identifier IS NOT NULL"));
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Write_ResultsOfTwoBatchesInOneGroup_CompletesEachBatchWithItsOwnCounts(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        var (store, batches) = await ReplicaAsync(database);
        await using var _ = store;
        var first = Batch(3, Now);
        var second = Batch(2, Now.AddMilliseconds(1));
        await batches.CreateAsync(first, TestContext.Deadline);
        await batches.CreateAsync(second, TestContext.Deadline);
        var claimed = await batches.ClaimAsync("replica-a", 10, Now, Now.AddMinutes(2), TestContext.Deadline);
        SubjectOutcome Outcome(LeasedSubject s) => s.BatchId == second.BatchId && s.Position == 1
            ? new SubjectOutcome(BatchSubjectState.Denied, [], "the case is closed")
            : Answered(s.Position);

        // In reverse order: the store sorts them itself.
        var written = await batches.WriteAsync([.. claimed.Reverse().Select(s => new SubjectCompletion(s, Outcome(s)))], null, Now.AddSeconds(1), TestContext.Deadline);
        var a = await batches.GetAsync(first.BatchId, Owner.Subject, TestContext.Deadline);
        var b = await batches.GetAsync(second.BatchId, Owner.Subject, TestContext.Deadline);

        Assert.Equal(5, claimed.Count);
        Assert.All(written.Stored, Assert.True);
        Assert.Empty(written.Claimed);
        Assert.Equal(new[] { first.BatchId, second.BatchId }.Order(StringComparer.Ordinal), written.Finished.Order(StringComparer.Ordinal));
        Assert.Equal((BatchState.Completed, 3, 3), (a!.State, a.Done, a.Failed));
        Assert.Equal((BatchState.Completed, 2, 2), (b!.State, b.Done, b.Failed));
        Assert.Equal([(3, 0), (0, 3)], a.Units.Select(u => (u.Ok, u.Timeout)));
        Assert.Equal([1, 1], b.Units.Select(u => u.Ok + u.Timeout));
        Assert.Equal(BatchSubjectState.Denied, (await batches.ListResultsAsync(second.BatchId, Owner.Subject, 1, 1, TestContext.Deadline))!.Results[0].State);
    }

    [Theory]
    [MemberData(nameof(TestStoreDatabase.Engines), MemberType = typeof(TestStoreDatabase))]
    public async Task Claim_LateInABatch_TakesExpiredLeasesFirst_ThenTheNextPendingInOrder(StoreEngine engine)
    {
        await using var database = await TestStoreDatabase.CreateAsync(engine);
        var (store, batches) = await ReplicaAsync(database);
        await using var _ = store;
        var batch = Batch(8, Now);
        await batches.CreateAsync(batch, TestContext.Deadline);
        var first = await batches.ClaimAsync("replica-a", 5, Now, Now.AddMinutes(2), TestContext.Deadline);
        foreach (var subject in first.Where(s => s.Position is 0 or 1 or 3))
        {
            Assert.True(await batches.CompleteAsync(subject, Answered(subject.Position), Now.AddSeconds(1), TestContext.Deadline));
        }

        var late = await batches.ClaimAsync("replica-b", 3, Now.AddMinutes(3), Now.AddMinutes(5), TestContext.Deadline);
        var rest = await batches.ClaimAsync("replica-b", 10, Now.AddMinutes(3), Now.AddMinutes(5), TestContext.Deadline);

        // 2 and 4 were replica-a's and expired; 5 is the first never leased.
        Assert.Equal([2, 4, 5], late.Select(s => s.Position));
        Assert.Equal([6, 7], rest.Select(s => s.Position));
    }

    [Fact]
    public async Task Cancel_Postgres_WhileAReplicaStoresResults_WaitsForIt_AndKeepsWhatItStored()
    {
        await using var database = await TestStoreDatabase.CreateAsync(StoreEngine.Postgres);
        var (store, batches) = await ReplicaAsync(database);
        await using var _ = store;
        var batch = Batch(4, Now);
        await batches.CreateAsync(batch, TestContext.Deadline);
        var claimed = await batches.ClaimAsync("replica-a", 4, Now, Now.AddMinutes(2), TestContext.Deadline);

        // A replica storing the result of position 2, caught before its commit: it holds that subject's row.
        await using var other = await store.OpenAsync(TestContext.Deadline);
        await using var storing = await other.BeginTransactionAsync(TestContext.Deadline);
        await other.ExecuteAsync(
            """
            UPDATE batch_subjects SET state = 'ANSWERED', identifier = NULL, lease_owner = NULL, lease_token = NULL,
                   lease_expires_at = NULL, complete = 1, answered_at = '2026-03-02T09:00:01.0000000+00:00'
             WHERE batch_id = @BatchId AND position = 2;
            UPDATE batches SET done = done + 1 WHERE batch_id = @BatchId;
            """,
            new { batch.BatchId },
            storing);

        var cancelling = batches.CancelAsync(batch.BatchId, Owner.Subject, Now.AddSeconds(2), TestContext.Deadline);
        await using (var watcher = await store.OpenAsync(TestContext.Deadline))
        {
            // The cancel waits for the row, as a lock wait the server shows, rather than skipping or failing.
            await Eventually.HoldsAsync(() => watcher.ExecuteScalar<long>(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == 1);
        }

        Assert.False(cancelling.IsCompleted);
        await storing.CommitAsync(TestContext.Deadline);
        var cancelled = await cancelling;
        var results = await batches.ListResultsAsync(batch.BatchId, Owner.Subject, 0, 10, TestContext.Deadline);

        Assert.Equal((BatchState.Cancelled, 1), (cancelled!.State, cancelled.Done));
        Assert.Equal(
            [BatchSubjectState.Cancelled, BatchSubjectState.Cancelled, BatchSubjectState.Answered, BatchSubjectState.Cancelled],
            results!.Results.Select(r => r.State));
        Assert.False(await batches.CompleteAsync(claimed[0], Answered(), Now.AddSeconds(3), TestContext.Deadline));
    }

    [Fact]
    public async Task Claim_Postgres_RowsAnotherReplicasClaimHolds_AreSkippedNotWaitedFor()
    {
        await using var database = await TestStoreDatabase.CreateAsync(StoreEngine.Postgres);
        var (store, batches) = await ReplicaAsync(database);
        await using var _ = store;
        var batch = Batch(10, Now);
        await batches.CreateAsync(batch, TestContext.Deadline);

        // Another replica's claim, caught half-way: it holds the first four subjects and the batch row.
        await using var other = await store.OpenAsync(TestContext.Deadline);
        await using var otherClaim = await other.BeginTransactionAsync(TestContext.Deadline);
        await other.ExecuteAsync(
            """
            SELECT position FROM batch_subjects WHERE batch_id = @BatchId ORDER BY position LIMIT 4 FOR UPDATE;
            SELECT batch_id FROM batches WHERE batch_id = @BatchId FOR UPDATE;
            """,
            new { batch.BatchId },
            otherClaim);

        // Far shorter than any lock wait would be allowed to last: a claim that waited would be cancelled and fail.
        using var noWaiting = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var claimed = await batches.ClaimAsync("replica-b", 10, Now, Now.AddMinutes(2), noWaiting.Token);
        await otherClaim.RollbackAsync(TestContext.Deadline);
        var rest = await batches.ClaimAsync("replica-b", 10, Now, Now.AddMinutes(2), TestContext.Deadline);

        Assert.Equal([4, 5, 6, 7, 8, 9], claimed.Select(s => s.Position));
        Assert.Equal([0, 1, 2, 3], rest.Select(s => s.Position));
        Assert.Equal(BatchState.Running, (await batches.GetAsync(batch.BatchId, Owner.Subject, TestContext.Deadline))!.State);
    }
}
