using System.Diagnostics;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Subjects;
using DataGateway.Features.Batches;
using DataGateway.Features.Privacy;
using DataGateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace DataGateway.IntegrationTests.Batches;

/// <summary>Batches running end to end: a real gateway, real simulated units, the real store.</summary>
public sealed class BatchRunTests(ITestOutputHelper output)
{
    private static readonly string[] Kinds = ["REAL_ESTATE", "VEHICLE"];

    private static IReadOnlyList<string> UnitsAsked => [.. GatewayTestHost.Catalog.UnitsAnswering(Kinds).Select(u => u.Id)];

    [Fact]
    public async Task Batch_ThousandSubjectsOverFiveCases_CompletesWithOneCorrectResultPerSubject()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var ids = Enumerable.Range(0, 1000).Select(BatchTesting.PersonId).ToArray();
        // A case holds at most 200 parties: the thousand debtors are spread over five of judge-wang's cases.
        for (var c = 0; c < 5; c++)
        {
            await BatchTesting.RegisterCaseAsync(host, BatchTesting.CaseNumber(7000 + c), ids.Skip(c * 200).Take(200));
        }

        var client = BatchTesting.Client(host, Requests.JudgeToken);
        var request = new SubmitBatchRequest { AssetKinds = { Kinds } };
        request.Rows.Add(ids.Select((id, i) => BatchTesting.Row(id, $"被执行人{i}", BatchTesting.CaseNumber(7000 + (i / 200)))));

        var clock = Stopwatch.StartNew();
        var submitted = (await client.SubmitBatchAsync(request)).Batch;
        var updates = await BatchTesting.WatchToEndAsync(client, submitted.BatchId);
        var elapsed = clock.Elapsed;
        var results = await BatchTesting.AllResultsAsync(client, submitted.BatchId);
        output.WriteLine($"1,000 subjects × {UnitsAsked.Count} units: submitted and completed in {elapsed.TotalSeconds:0.00} s ({updates.Count} progress messages)");

        Assert.Equal(1000, submitted.Total);
        Assert.Equal(1000, submitted.RowsSubmitted);
        var final = updates[^1];
        Assert.Equal(BatchState.Completed, final.State);
        Assert.Equal(1000, final.Done);
        Assert.Equal(0, final.Failed);
        Assert.True(updates.Count >= 2, "the watch should show progress before the end");
        Assert.Equal(updates.Select(u => u.Done).Order(), updates.Select(u => u.Done));
        Assert.Equal(UnitsAsked, final.Units.Select(u => u.UnitId));
        Assert.All(final.Units, u => Assert.Equal(1000, u.Ok + u.NotFound));

        Assert.Equal(Enumerable.Range(0, 1000), results.Select(r => r.Position));
        for (var i = 0; i < results.Count; i++)
        {
            var result = results[i];
            Assert.Equal(BatchSubjectState.Answered, result.State);
            Assert.True(result.Complete);
            Assert.Equal([i], result.Rows);
            Assert.Equal(Masking.MaskIdNumber(ids[i]), result.IdNumber);
            Assert.Equal(BatchTesting.CaseNumber(7000 + (i / 200)), result.CaseNumber);
            Assert.Equal(UnitsAsked, result.Units.Select(u => u.UnitId));
        }

        Assert.Contains(results, r => r.Units.Any(u => u.Assets.Count > 0));
        // Each subject asked each unit once: nothing asked twice, nothing skipped.
        Assert.Equal(1000 * UnitsAsked.Count, host.Simulator.Stats.TotalCalls);

        // One audit record per subject asked, each naming that subject.
        var hasher = host.Services.GetRequiredService<KeyedHasher>();
        var records = host.BatchRowRecords();
        Assert.Equal(1000, records.Count);
        Assert.All(records, r => Assert.Equal("answered", r.Outcome));
        Assert.Equal(
            ids.Select((id, i) => ($"{submitted.BatchId}/{i}", hasher.Hash(id))).Order(),
            records.Select(r => (r.RequestId, r.SubjectHash)).Order());
        // Reading the results back (four pages) was recorded too: once per subject, naming the same subject.
        Assert.Equal(records.Select(r => (r.RequestId, r.SubjectHash)).Order(), host.ResultReadRecords().Select(r => (r.RequestId, r.SubjectHash)).Order());

        // The answers belong to their subjects: the units, asked afresh about a few of them, say the same.
        var enforcement = host.Enforcement(Requests.JudgeToken);
        foreach (var i in new[] { 0, 417, 999 })
        {
            var single = await enforcement.QueryAssetsAsync(new QueryAssetsRequest
            {
                CaseNumber = results[i].CaseNumber,
                Subject = new Subject { IdNumber = ids[i], Name = $"被执行人{i}" },
                AssetKinds = { Kinds },
                Fresh = true,
            });
            Assert.Equal(single.Units.Select(u => (u.UnitId, u.Status)), results[i].Units.Select(u => (u.UnitId, u.Status)));
            Assert.Equal(single.Units.SelectMany(u => u.Assets), results[i].Units.SelectMany(u => u.Assets));
        }

        // Once asked, the plain identifier is gone from the batch's rows.
        Assert.Equal(0, host.Count("SELECT COUNT(*) FROM batch_subjects WHERE identifier IS NOT NULL"));
    }

    [Fact]
    public async Task Batch_HostStoppedMidway_NewHostOnTheSameStoreFinishesWithoutAskingFinishedSubjectsAgain()
    {
        var store = Directory.CreateTempSubdirectory("datagateway-batch-restart-").FullName;
        try
        {
            const int subjects = 40;
            const int inFlight = 5;
            var units = UnitsAsked.Count;
            var ids = Enumerable.Range(100, subjects).Select(BatchTesting.PersonId).ToArray();
            string batchId;
            var settings = new Dictionary<string, string?>
            {
                ["Store:DataDirectory"] = store,
                ["Batches:MaxSubjectsInFlight"] = inFlight.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };

            await using (var first = await GatewayTestHost.StartAsync(latency: TimeSpan.FromSeconds(1), settings: settings))
            {
                await BatchTesting.RegisterCaseAsync(first, BatchTesting.CaseNumber(7100), ids);
                var client = BatchTesting.Client(first, Requests.JudgeToken);
                var request = new SubmitBatchRequest { CaseNumber = BatchTesting.CaseNumber(7100), AssetKinds = { Kinds } };
                request.Rows.Add(ids.Select((id, i) => BatchTesting.Row(id, $"被执行人{i}")));
                batchId = (await client.SubmitBatchAsync(request)).Batch.BatchId;

                // Units answer only when the fake clock moves: let two rounds of five subjects finish, then stop the host
                // while the third round waits for its answers.
                for (var round = 1; round <= 2; round++)
                {
                    await first.Simulator.Stats.WaitForInFlightAsync(inFlight * units, TestContext.Deadline);
                    first.Time.Advance(TimeSpan.FromSeconds(1));
                    var expected = round * inFlight;
                    await Eventually.HoldsAsync(() => Done(client, batchId) == expected);
                }

                await first.Simulator.Stats.WaitForInFlightAsync(inFlight * units, TestContext.Deadline);

                // The gateway stops as a shutdown stops it, its runner first. The unit calls it abandoned are then let
                // finish: on the fake clock nothing else would end them, and the host waits for them when disposed.
                await first.Services.GetRequiredService<BatchRunner>().StopAsync(TestContext.Deadline);
                first.Time.Advance(TimeSpan.FromSeconds(1));
                await first.Simulator.Stats.WaitForIdleAsync(TestContext.Deadline);

                Assert.Equal(3 * inFlight * units, first.Simulator.Stats.TotalCalls);
                Assert.Equal(2 * inFlight, Done(client, batchId));
                Assert.Equal(2 * inFlight, first.BatchRowRecords().Count);
            }

            await using var second = await GatewayTestHost.StartAsync(settings: settings);
            var resumed = BatchTesting.Client(second, Requests.JudgeToken);
            var updates = await BatchTesting.WatchToEndAsync(resumed, batchId);
            var results = await BatchTesting.AllResultsAsync(resumed, batchId, pageSize: 7);

            Assert.Equal(BatchState.Completed, updates[^1].State);
            Assert.Equal(subjects, updates[^1].Done);
            // The ten subjects answered before the stop were not asked again; the five abandoned ones were.
            Assert.Equal((subjects - (2 * inFlight)) * units, second.Simulator.Stats.TotalCalls);
            Assert.Equal(Enumerable.Range(0, subjects), results.Select(r => r.Position));
            Assert.All(results, r => Assert.Equal(BatchSubjectState.Answered, r.State));
            Assert.All(results, r => Assert.Equal(UnitsAsked, r.Units.Select(u => u.UnitId)));
            // Abandoned questions returned nothing and were not recorded: one record per subject, across both hosts.
            var records = second.BatchRowRecords();
            Assert.Equal(subjects, records.Count);
            Assert.Equal(subjects, records.Select(r => r.RequestId).Distinct().Count());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(store, recursive: true);
        }
    }

    [Fact]
    public async Task Cancel_WhileSubjectsWaitForUnits_AbandonsThemAndAsksNoMore()
    {
        const int inFlight = 4;
        await using var host = await GatewayTestHost.StartAsync(
            latency: TimeSpan.FromSeconds(1),
            settings: new Dictionary<string, string?> { ["Batches:MaxSubjectsInFlight"] = inFlight.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var ids = Enumerable.Range(200, 30).Select(BatchTesting.PersonId).ToArray();
        await BatchTesting.RegisterCaseAsync(host, BatchTesting.CaseNumber(7200), ids);
        var client = BatchTesting.Client(host, Requests.JudgeToken);
        var request = new SubmitBatchRequest { CaseNumber = BatchTesting.CaseNumber(7200), AssetKinds = { "REAL_ESTATE" } };
        request.Rows.Add(ids.Select((id, i) => BatchTesting.Row(id, $"被执行人{i}")));
        var batchId = (await client.SubmitBatchAsync(request)).Batch.BatchId;
        await host.Simulator.Stats.WaitForInFlightAsync(inFlight, TestContext.Deadline);

        using var rest = host.Rest(Requests.JudgeToken);
        using var cancel = await rest.PostAsync($"/v1/enforcement/batches/{batchId}:cancel", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.OK, cancel.StatusCode);
        Assert.Contains("BATCH_STATE_CANCELLED", await cancel.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The questions in flight end without the clock moving: they were abandoned, not answered.
        await host.Simulator.Stats.WaitForIdleAsync(TestContext.Deadline);
        var runner = host.Services.GetRequiredService<BatchRunner>();
        await Eventually.HoldsAsync(() => runner.InFlight == 0);
        host.Time.Advance(TimeSpan.FromSeconds(30));
        var batch = (await client.GetBatchAsync(new GetBatchRequest { BatchId = batchId })).Batch;
        var results = await BatchTesting.AllResultsAsync(client, batchId);

        Assert.Equal(inFlight, host.Simulator.Stats.TotalCalls);
        Assert.Equal(BatchState.Cancelled, batch.State);
        Assert.Equal(0, batch.Done);
        Assert.NotNull(batch.FinishedAt);
        Assert.All(results, r => Assert.Equal(BatchSubjectState.Cancelled, r.State));
        Assert.Empty(host.BatchRowRecords());
        Assert.Equal(0, host.Count("SELECT COUNT(*) FROM batch_subjects WHERE identifier IS NOT NULL"));
        // Watching a cancelled batch ends at once with its final state.
        Assert.Equal(BatchState.Cancelled, Assert.Single(await BatchTesting.WatchToEndAsync(client, batchId)).State);
    }

    [Fact]
    public async Task ListResults_WhenTheTrailCannotBeWritten_IsRefusedAndShowsNothing()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var ids = Enumerable.Range(400, 2).Select(BatchTesting.PersonId).ToArray();
        await BatchTesting.RegisterCaseAsync(host, BatchTesting.CaseNumber(7400), ids);
        var client = BatchTesting.Client(host, Requests.JudgeToken);
        var request = new SubmitBatchRequest { CaseNumber = BatchTesting.CaseNumber(7400), AssetKinds = { "REAL_ESTATE" } };
        request.Rows.Add(ids.Select((id, i) => BatchTesting.Row(id, $"被执行人{i}")));
        var batchId = (await client.SubmitBatchAsync(request)).Batch.BatchId;
        Assert.Equal(BatchState.Completed, (await BatchTesting.WatchToEndAsync(client, batchId))[^1].State);
        Audit.AuditTestStore.RefuseAuditWrites(host);

        var refused = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => client.ListBatchResultsAsync(new ListBatchResultsRequest { BatchId = batchId }).ResponseAsync);

        Assert.Equal(Grpc.Core.StatusCode.Unavailable, refused.StatusCode);
        Assert.Empty(host.ResultReadRecords());
    }

    [Fact]
    public async Task CaseClosedAfterSubmission_SubjectIsDeniedAtItsTurn_RecordedAndCountedAsFailed()
    {
        const int inFlight = 1;
        await using var host = await GatewayTestHost.StartAsync(
            latency: TimeSpan.FromSeconds(1),
            settings: new Dictionary<string, string?>
            {
                ["Batches:MaxSubjectsInFlight"] = inFlight.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Cases:CacheSeconds"] = "0",
            });
        var ids = Enumerable.Range(300, 2).Select(BatchTesting.PersonId).ToArray();
        await BatchTesting.RegisterCaseAsync(host, BatchTesting.CaseNumber(7300), ids);
        var client = BatchTesting.Client(host, Requests.JudgeToken);
        var request = new SubmitBatchRequest { CaseNumber = BatchTesting.CaseNumber(7300), AssetKinds = { "REAL_ESTATE" } };
        request.Rows.Add(ids.Select((id, i) => BatchTesting.Row(id, $"被执行人{i}")));
        var batchId = (await client.SubmitBatchAsync(request)).Batch.BatchId;
        await host.Simulator.Stats.WaitForInFlightAsync(1, TestContext.Deadline);

        // The court concludes the case while the first subject is being asked about.
        var closed = new PutCaseRequest
        {
            CaseNumber = BatchTesting.CaseNumber(7300),
            CourtCode = Cases.CaseTesting.Court,
            Officers = { "judge-wang" },
            State = CaseState.Closed,
            RegisteredOn = "2025-01-10",
            Parties = { ids.Select((id, i) => new CaseParty { Role = PartyRole.Debtor, Name = $"被执行人{i}", IdNumber = id }) },
        };
        await Cases.CaseTesting.Grpc(host, Cases.CaseTesting.CourtSystemToken).PutCaseAsync(closed);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        var final = (await BatchTesting.WatchToEndAsync(client, batchId))[^1];
        var results = await BatchTesting.AllResultsAsync(client, batchId);

        Assert.Equal(BatchState.Completed, final.State);
        Assert.Equal(2, final.Done);
        Assert.Equal(1, final.Failed);
        Assert.Equal(BatchSubjectState.Answered, results[0].State);
        Assert.Equal(BatchSubjectState.Denied, results[1].State);
        Assert.Contains("closed", results[1].Detail, StringComparison.Ordinal);
        Assert.Empty(results[1].Units);
        Assert.Equal(1, host.Simulator.Stats.TotalCalls);
        Assert.Equal(["answered", "denied"], host.BatchRowRecords().Select(r => r.Outcome));
        // Reading the results is recorded for the answered subject only: the denied one showed no data.
        Assert.Equal($"{batchId}/0", Assert.Single(host.ResultReadRecords()).RequestId);
    }

    private static int Done(BatchService.BatchServiceClient client, string batchId) =>
        client.GetBatch(new GetBatchRequest { BatchId = batchId }).Batch.Done;
}
