using DataGateway.Contracts.V1;
using DataGateway.Features.Batches;
using DataGateway.Features.Store;
using DataGateway.IntegrationTests.Accountability;
using DataGateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DataGateway.IntegrationTests.Batches;

/// <summary>Two gateway replicas on one PostgreSQL database and one Redis, sharing a batch's work.</summary>
public sealed class BatchReplicaTests
{
    private static readonly string[] Kinds = ["REAL_ESTATE", "VEHICLE"];

    [Fact]
    public async Task Batch_ReplicaStoppedMidway_OtherReplicaFinishesIt_WithExactlyOneResultPerSubject()
    {
        const int subjects = 20;
        const int inFlight = 5;
        var units = GatewayTestHost.Catalog.UnitsAnswering(Kinds).Select(u => u.Id).ToList();
        var ids = Enumerable.Range(500, subjects).Select(BatchTesting.PersonId).ToArray();
        var settings = new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = RedisServer.SharedConfiguration,
            ["Redis:InstanceName"] = $"test-{Guid.NewGuid():N}:",
            ["Batches:MaxSubjectsInFlight"] = inFlight.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var logs = new CapturedLogs();
        await using var database = await TestStoreDatabase.CreateAsync(StoreEngine.Postgres);
        // Replica A dies the way a killed process does: whatever it was asking about, it never gives back.
        GatewayTestHost? a = await GatewayTestHost.StartAsync(
            latency: TimeSpan.FromSeconds(1),
            settings: settings,
            store: database,
            loggerProvider: logs,
            configureServices: services => services.AddSingleton<IBatchStore>(
                provider => new KilledBeforeGivingBack(ActivatorUtilities.CreateInstance<BatchStore>(provider))));
        GatewayTestHost? b = null;
        try
        {
            var replicaA = a.Services.GetRequiredService<BatchRunner>().ReplicaId;
            await BatchTesting.RegisterCaseAsync(a, BatchTesting.CaseNumber(7500), ids);
            var clientA = BatchTesting.Client(a, Requests.JudgeToken);
            var request = new SubmitBatchRequest { CaseNumber = BatchTesting.CaseNumber(7500), AssetKinds = { Kinds } };
            request.Rows.Add(ids.Select((id, i) => BatchTesting.Row(id, $"被执行人{i}")));
            var batchId = (await clientA.SubmitBatchAsync(request)).Batch.BatchId;

            // A answers its first five subjects (its units answer when its clock moves) and is asking about the next five.
            await a.Simulator.Stats.WaitForInFlightAsync(inFlight * units.Count, TestContext.Deadline);
            a.Time.Advance(TimeSpan.FromSeconds(1));
            await Eventually.HoldsAsync(() => Done(clientA, batchId) == inFlight);
            await a.Simulator.Stats.WaitForInFlightAsync(inFlight * units.Count, TestContext.Deadline);

            // A holds the five it is asking about and, leased next up, at most a quarter as many more.
            var heldByA = (int)await a.CountAsync(
                "SELECT COUNT(*) FROM batch_subjects WHERE state = 'LEASED' AND lease_owner = @Owner", new { Owner = replicaA });
            Assert.InRange(heldByA, inFlight, inFlight + Math.Max(1, inFlight / 4));

            // B joins: it takes the subjects nobody holds, never those A holds.
            b = await GatewayTestHost.StartAsync(settings: settings, store: database, loggerProvider: logs);
            var runnerB = b.Services.GetRequiredService<BatchRunner>();
            var clientB = BatchTesting.Client(b, Requests.JudgeToken);
            await Eventually.HoldsAsync(() => Done(clientB, batchId) == subjects - heldByA);
            await Eventually.HoldsAsync(() => runnerB.InFlight == 0);
            Assert.Equal((subjects - inFlight - heldByA) * units.Count, b.Simulator.Stats.TotalCalls);
            Assert.Equal(heldByA, await b.CountAsync(
                "SELECT COUNT(*) FROM batch_subjects WHERE state = 'LEASED' AND lease_owner = @Owner", new { Owner = replicaA }));

            // A stops mid-way holding its five leases. The unit calls it abandoned are let finish on its clock (nothing
            // else would end them, and disposing the host waits for them).
            await a.Services.GetRequiredService<BatchRunner>().StopAsync(TestContext.Deadline);
            a.Time.Advance(TimeSpan.FromSeconds(1));
            await a.Simulator.Stats.WaitForIdleAsync(TestContext.Deadline);
            Assert.Equal(2 * inFlight * units.Count, a.Simulator.Stats.TotalCalls);
            await a.DisposeAsync();
            a = null;
            Assert.Equal(subjects - heldByA, Done(clientB, batchId));

            // Once A's leases expire, B's next look for work takes them over and finishes the batch.
            var options = b.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<BatchesOptions>>().Value;
            b.Time.Advance(TimeSpan.FromSeconds(options.LeaseSeconds + (2 * options.PollSeconds)));
            var final = (await BatchTesting.WatchToEndAsync(clientB, batchId))[^1];
            var results = await BatchTesting.AllResultsAsync(clientB, batchId);

            Assert.Equal(BatchState.Completed, final.State);
            Assert.Equal((subjects, 0), (final.Done, final.Failed));
            Assert.Equal(units, final.Units.Select(u => u.UnitId));
            Assert.All(final.Units, u => Assert.Equal(subjects, u.Ok + u.NotFound));
            Assert.Equal(Enumerable.Range(0, subjects), results.Select(r => r.Position));
            Assert.All(results, r => Assert.Equal(BatchSubjectState.Answered, r.State));
            Assert.All(results, r => Assert.Equal(units, r.Units.Select(u => u.UnitId)));
            Assert.Equal((subjects - inFlight) * units.Count, b.Simulator.Stats.TotalCalls);
            // What A held was leased twice (the five it abandoned unanswered, and any it had next up and never asked),
            // every other subject once; one stored result each.
            Assert.Equal(heldByA, await b.CountAsync(
                "SELECT COUNT(*) FROM batch_subjects WHERE batch_id = @BatchId AND attempts = 2 AND position >= @First", new { BatchId = batchId, First = inFlight }));
            Assert.Equal(subjects - heldByA, await b.CountAsync(
                "SELECT COUNT(*) FROM batch_subjects WHERE batch_id = @BatchId AND attempts = 1", new { BatchId = batchId }));
            Assert.Equal(subjects, await b.CountAsync(
                "SELECT COUNT(*) FROM batch_subjects WHERE batch_id = @BatchId AND state = 'ANSWERED' AND answers IS NOT NULL AND identifier IS NULL AND lease_owner IS NULL",
                new { BatchId = batchId }));
            // One access on record per subject, across both replicas.
            var records = await b.BatchRowRequestIdsAsync();
            Assert.Equal(Enumerable.Range(0, subjects).Select(i => $"{batchId}/{i}").Order(), records.Order());

            // Each replica ran under an id of its own, which its logs show; no identifier reached any log.
            var started = logs.Entries.Where(e => e.Category == typeof(BatchRunner).FullName && e.EventId.Id == 62).ToList();
            Assert.Equal(2, started.Select(e => e.State.Single(p => p.Key == "Replica").Value).Distinct().Count());
            Assert.Contains(started, e => e.Message.Contains(replicaA, StringComparison.Ordinal));
            Assert.Contains(started, e => e.Message.Contains(runnerB.ReplicaId, StringComparison.Ordinal));
            Assert.DoesNotContain(logs.Entries.SelectMany(e => e.Texts()), t => ids.Any(id => t.Text.Contains(id, StringComparison.Ordinal)));
        }
        finally
        {
            if (a is not null)
            {
                await a.DisposeAsync();
            }

            if (b is not null)
            {
                await b.DisposeAsync();
            }
        }
    }

    private static int Done(BatchService.BatchServiceClient client, string batchId) =>
        client.GetBatch(new GetBatchRequest { BatchId = batchId }).Batch.Done;

    /// <summary>The real store, except that leases are never given back: what a replica killed mid-batch leaves behind.</summary>
    private sealed class KilledBeforeGivingBack(IBatchStore inner) : IBatchStore
    {
        public Task CreateAsync(NewBatch batch, CancellationToken cancellationToken) => inner.CreateAsync(batch, cancellationToken);

        public Task<Batch?> GetAsync(string batchId, string owner, CancellationToken cancellationToken) =>
            inner.GetAsync(batchId, owner, cancellationToken);

        public Task<BatchResultsPage?> ListResultsAsync(string batchId, string owner, int fromPosition, int count, CancellationToken cancellationToken) =>
            inner.ListResultsAsync(batchId, owner, fromPosition, count, cancellationToken);

        public Task<Batch?> CancelAsync(string batchId, string owner, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.CancelAsync(batchId, owner, now, cancellationToken);

        public Task<BatchWriteResult> WriteAsync(
            IReadOnlyList<SubjectCompletion> completions, ClaimRequest? claim, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.WriteAsync(completions, claim, now, cancellationToken);

        public Task ReleaseAsync(IReadOnlyCollection<LeasedSubject> subjects, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
