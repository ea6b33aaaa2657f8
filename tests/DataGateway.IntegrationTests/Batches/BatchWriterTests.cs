using DataGateway.Contracts.V1;
using DataGateway.Features.Batches;
using DataGateway.Features.Cases;
using DataGateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace DataGateway.IntegrationTests.Batches;

/// <summary>The runner's writer on its own, over a store that records each write and can hold one open.</summary>
public sealed class BatchWriterTests
{
    private static readonly BatchOwner Owner = new("judge-wang", "judge", "浙0604");

    private static LeasedSubject Subject(int position) => new(
        "batch-1", position, "token", Owner, BatchTesting.CaseNumber(7400), IdentifierKind.IdNumber, BatchTesting.PersonId(position), $"被执行人{position}", [], false);

    private static SubjectOutcome Answered() => new(BatchSubjectState.Answered, [new UnitAnswer { UnitId = "tax-bureau", Status = UnitStatus.NotFound }], null);

    [Fact]
    public async Task Store_WhileAWriteIsInProgress_LaterResultsAndAClaimShareTheNextTransaction()
    {
        var store = new RecordingStore();
        using var writer = new BatchWriter(store, new BatchSignals(), new FakeTimeProvider());
        var first = writer.StoreAsync(Subject(0), Answered());
        await store.Held.Task;

        var second = writer.StoreAsync(Subject(1), Answered());
        var third = writer.StoreAsync(Subject(2), Answered());
        var claim = writer.ClaimAsync("replica-a", 5, TimeSpan.FromMinutes(2), TestContext.Deadline);
        store.Release.SetResult();

        Assert.Equal(new[] { true, true, false }, await Task.WhenAll(first, second, third));
        Assert.Equal([7, 8], (await claim).Select(s => s.Position));
        Assert.Equal(2, store.Writes.Count);
        Assert.Equal([0], store.Writes[0].Positions);
        Assert.Null(store.Writes[0].Claim);
        Assert.Equal([1, 2], store.Writes[1].Positions.Order());
        Assert.Equal(("replica-a", 5), (store.Writes[1].Claim!.ReplicaId, store.Writes[1].Claim!.Limit));
    }

    [Fact]
    public async Task Claim_CancelledWhileWaitingForTheWriter_IsNeverWritten()
    {
        var store = new RecordingStore();
        using var writer = new BatchWriter(store, new BatchSignals(), new FakeTimeProvider());
        var first = writer.StoreAsync(Subject(0), Answered());
        await store.Held.Task;
        using var stop = new CancellationTokenSource();

        var claim = writer.ClaimAsync("replica-a", 5, TimeSpan.FromMinutes(2), stop.Token);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => claim);
        store.Release.SetResult();
        await first;
        Assert.True(await writer.StoreAsync(Subject(1), Answered()));

        Assert.Equal(2, store.Writes.Count);
        Assert.All(store.Writes, w => Assert.Null(w.Claim));
    }

    [Fact]
    public async Task Store_TheWriteFails_EveryResultOfItsGroupFails_AndTheNextGroupIsWritten()
    {
        var store = new RecordingStore { FailWrite = 1 };
        using var writer = new BatchWriter(store, new BatchSignals(), new FakeTimeProvider());
        var first = writer.StoreAsync(Subject(0), Answered());
        await store.Held.Task;
        var second = writer.StoreAsync(Subject(1), Answered());
        var third = writer.StoreAsync(Subject(2), Answered());
        store.Release.SetResult();

        Assert.True(await first);
        await Assert.ThrowsAsync<InvalidOperationException>(() => second);
        await Assert.ThrowsAsync<InvalidOperationException>(() => third);
        Assert.True(await writer.StoreAsync(Subject(3), Answered()));
        Assert.Equal(3, store.Writes.Count);
    }

    [Fact]
    public async Task Store_TheWriteFinishesTheBatch_SignalsItsEnd_OtherwiseOnlyAChange()
    {
        var store = new RecordingStore { FinishOnWrite = 1 };
        var signals = new BatchSignals();
        using var writer = new BatchWriter(store, signals, new FakeTimeProvider());
        store.Release.SetResult();
        var change = signals.NextChangeAsync("batch-1");
        var end = signals.NextEndAsync("batch-1");

        Assert.True(await writer.StoreAsync(Subject(0), Answered()));
        Assert.True(change.IsCompleted);
        Assert.False(end.IsCompleted);

        var lastChange = signals.NextChangeAsync("batch-1");
        Assert.True(await writer.StoreAsync(Subject(1), Answered()));
        Assert.True(end.IsCompleted);
        Assert.True(lastChange.IsCompleted);
    }

    /// <summary>
    /// Holds its first write open until <see cref="Release"/>; stores every result except position 2's (its lease was
    /// lost); a claim gets positions 7 and 8; the write numbered <see cref="FailWrite"/> (from 0) throws.
    /// </summary>
    private sealed class RecordingStore : IBatchStore
    {
        public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<(int[] Positions, ClaimRequest? Claim)> Writes { get; } = [];

        public int FailWrite { get; init; } = -1;

        /// <summary>The write numbered this (from 0) reports batch-1 finished.</summary>
        public int FinishOnWrite { get; init; } = -1;

        public async Task<BatchWriteResult> WriteAsync(
            IReadOnlyList<SubjectCompletion> completions, ClaimRequest? claim, DateTimeOffset now, CancellationToken cancellationToken)
        {
            var index = Writes.Count;
            Writes.Add(([.. completions.Select(c => c.Subject.Position)], claim));
            if (index == 0)
            {
                Held.SetResult();
                await Release.Task.WaitAsync(TestContext.Deadline);
            }

            if (index == FailWrite)
            {
                throw new InvalidOperationException("the store is gone");
            }

            IReadOnlyList<LeasedSubject> claimed = claim is null ? [] : [Subject(7), Subject(8)];
            return new BatchWriteResult([.. completions.Select(c => c.Subject.Position != 2)], claimed)
            {
                Finished = index == FinishOnWrite ? ["batch-1"] : [],
            };
        }

        public Task CreateAsync(NewBatch batch, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Batch?> GetAsync(string batchId, string owner, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<BatchResultsPage?> ListResultsAsync(string batchId, string owner, int fromPosition, int count, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<Batch?> CancelAsync(string batchId, string owner, DateTimeOffset now, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task ReleaseAsync(IReadOnlyCollection<LeasedSubject> subjects, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
