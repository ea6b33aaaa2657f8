using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DataGateway.Contracts.V1;
using DataGateway.IntegrationTests.Cases;
using DataGateway.IntegrationTests.Infrastructure;
using Grpc.Core;
using Google.Protobuf;

namespace DataGateway.IntegrationTests.Batches;

/// <summary>What a batch must pass before anything is stored or asked, and who may see it afterwards.</summary>
public sealed class BatchSubmitTests
{
    private const string BadCheckId = "340524198001010013";

    private static SubmitBatchRequest MixedRows() => new()
    {
        CaseNumber = CaseTesting.WangCase,
        Rows =
        {
            BatchTesting.Row(CaseTesting.PersonDebtorId, "王建军"),
            BatchTesting.Row(BadCheckId, "张三"),
            BatchTesting.Row(CaseTesting.NoAssetsId, "  "),
            BatchTesting.Row(CaseTesting.PersonDebtorId, "王建军", "(2024)浙0604民初12号"),
            new BatchRow { Name = "无证件" },
        },
    };

    [Fact]
    public async Task Submit_InvalidRows_OverGrpc_RefusedWholeNamingEachRow_AndNothingStarts()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var client = BatchTesting.Client(host, Requests.JudgeToken);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.SubmitBatchAsync(MixedRows()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var parts = error.Status.Detail.Split("; ");
        Assert.Equal(["rows[1].idNumber", "rows[2].name", "rows[3].caseNumber", "rows[4]"], parts.Select(p => p[..p.IndexOf(": ", StringComparison.Ordinal)]));
        Assert.Equal("rows[2].name: is required", parts[1]);
        Assert.DoesNotContain(BadCheckId[..17], error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, host.Simulator.Stats.TotalCalls);
        Assert.Equal(0, host.Count("SELECT COUNT(*) FROM batches"));
        Assert.Empty(host.BatchRowRecords());
    }

    [Fact]
    public async Task Submit_InvalidRows_OverRest_Is400ProblemDetailsWithAnErrorsArray()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var client = host.Rest(Requests.JudgeToken);
        var body = JsonSerializer.Deserialize<JsonElement>(JsonFormatter.Default.Format(MixedRows()));

        using var response = await client.PostAsJsonAsync("/v1/enforcement/batches", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("rows[1].idNumber", problem.GetProperty("field").GetString());
        var errors = problem.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(["rows[1].idNumber", "rows[2].name", "rows[3].caseNumber", "rows[4]"], errors.Select(e => e.GetProperty("field").GetString()));
        Assert.Equal("is required", errors[1].GetProperty("reason").GetString());
        Assert.Equal(0, host.Count("SELECT COUNT(*) FROM batches"));
    }

    [Fact]
    public async Task Submit_RowWithoutCaseAndNoBatchCase_IsRefusedNamingTheRowsCase()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var client = BatchTesting.Client(host, Requests.JudgeToken);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.SubmitBatchAsync(new SubmitBatchRequest
        {
            Rows = { BatchTesting.Row(CaseTesting.PersonDebtorId, "王建军", CaseTesting.WangCase), BatchTesting.Row(CaseTesting.NoAssetsId, "孙志强") },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("rows[1].caseNumber: is required", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_ManyBadRows_ListsTheFirstTwentyAndCountsTheRest()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var client = BatchTesting.Client(host, Requests.JudgeToken);
        var request = new SubmitBatchRequest { CaseNumber = CaseTesting.WangCase };
        request.Rows.Add(Enumerable.Range(0, 57).Select(_ => BatchTesting.Row(BadCheckId, "张三")));

        var error = await Assert.ThrowsAsync<RpcException>(() => client.SubmitBatchAsync(request).ResponseAsync);

        var parts = error.Status.Detail.Split("; ");
        Assert.Equal(21, parts.Length);
        Assert.StartsWith("rows[19].idNumber: ", parts[19], StringComparison.Ordinal);
        Assert.Equal("rows: 57 problems in all, the first 20 listed", parts[20]);
    }

    [Fact]
    public async Task Submit_TenThousandAndOneRows_IsRefusedWithAClearMessage()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var client = BatchTesting.Client(host, Requests.JudgeToken);
        var request = new SubmitBatchRequest { CaseNumber = CaseTesting.WangCase };
        request.Rows.Add(Enumerable.Range(0, 10_001).Select(_ => BatchTesting.Row(CaseTesting.PersonDebtorId, "王建军")));

        var error = await Assert.ThrowsAsync<RpcException>(() => client.SubmitBatchAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("rows: at most 10,000 rows per batch (got 10,001); split the list into several batches", error.Status.Detail);
        Assert.Equal(0, host.Count("SELECT COUNT(*) FROM batches"));
    }

    [Fact]
    public async Task Submit_RowsFailingThePurposeCheck_RefusedWhole_EachRefusalAudited_NothingAsked()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var client = BatchTesting.Client(host, Requests.JudgeToken);
        var request = new SubmitBatchRequest
        {
            CaseNumber = CaseTesting.WangCase,
            Rows =
            {
                BatchTesting.Row(CaseTesting.PersonDebtorId, "王建军"),
                // judge-li's case.
                new BatchRow { CreditCode = CaseTesting.CompanyDebtorCode, Name = "恒昌化工", CaseNumber = CaseTesting.LiCase },
                // Not a party to judge-wang's case.
                BatchTesting.Row(BatchTesting.PersonId(1), "路人"),
            },
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => client.SubmitBatchAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal(
            $"rows[1]: case {CaseTesting.LiCase} is not assigned to you; rows[2]: the subject is not a judgment debtor in case {CaseTesting.WangCase}",
            error.Status.Detail);
        Assert.Equal(0, host.Simulator.Stats.TotalCalls);
        Assert.Equal(0, host.Count("SELECT COUNT(*) FROM batches"));
        var records = host.BatchRowRecords();
        Assert.Equal(["denied", "denied"], records.Select(r => r.Outcome));
    }

    [Fact]
    public async Task Submit_SameSubjectUnderTheSameCaseTwice_IsFoldedIntoOneSubject()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var client = BatchTesting.Client(host, Requests.JudgeToken);
        var request = new SubmitBatchRequest
        {
            AssetKinds = { "TAX" },
            Rows =
            {
                new BatchRow { CreditCode = CaseTesting.CompanyDebtorCode, Name = "恒昌化工", CaseNumber = CaseTesting.WangCase },
                new BatchRow { CreditCode = CaseTesting.CompanyDebtorCode, Name = "绍兴市上虞区恒昌化工有限公司", CaseNumber = CaseTesting.WangCase },
                // The same company under another case of the judge's is another question.
                new BatchRow { CreditCode = CaseTesting.CompanyDebtorCode, Name = "恒昌化工", CaseNumber = "(2025)浙0604执保88号" },
                BatchTesting.Row(CaseTesting.NoAssetsId, "孙志强", CaseTesting.WangNoAssetsCase),
                BatchTesting.Row(CaseTesting.NoAssetsId.ToLowerInvariant(), "孙志强", CaseTesting.WangNoAssetsCase),
            },
        };

        var batch = (await client.SubmitBatchAsync(request)).Batch;
        await BatchTesting.WatchToEndAsync(client, batch.BatchId);
        var results = await BatchTesting.AllResultsAsync(client, batch.BatchId);

        Assert.Equal(5, batch.RowsSubmitted);
        Assert.Equal(3, batch.Total);
        Assert.Equal([[0, 1], [2], [3, 4]], results.Select(r => r.Rows.ToArray()));
        Assert.Equal("恒昌化工", results[0].Name);
        Assert.Equal(3, host.BatchRowRecords().Count);
    }

    [Fact]
    public async Task Batch_OverRest_SubmitGetAndPageResults_AnswersAsTheSingleQueryDoes()
    {
        await using var host = await GatewayTestHost.StartAsync();
        using var rest = host.Rest(Requests.JudgeToken);
        var body = new
        {
            caseNumber = CaseTesting.WangCase,
            assetKinds = new[] { "REAL_ESTATE", "DEPOSIT" },
            rows = new object[]
            {
                new { idNumber = CaseTesting.PersonDebtorId, name = "王建军" },
                new { creditCode = CaseTesting.CompanyDebtorCode, name = "恒昌化工" },
            },
        };

        using var submitted = await rest.PostAsJsonAsync("/v1/enforcement/batches", body);
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        var batchId = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("batch").GetProperty("batchId").GetString()!;
        await BatchTesting.WatchToEndAsync(BatchTesting.Client(host, Requests.JudgeToken), batchId);

        var batch = await rest.GetFromJsonAsync<JsonElement>($"/v1/enforcement/batches/{batchId}");
        Assert.Equal("BATCH_STATE_COMPLETED", batch.GetProperty("batch").GetProperty("state").GetString());
        Assert.Equal(2, batch.GetProperty("batch").GetProperty("done").GetInt32());

        var first = JsonParser.Default.Parse<ListBatchResultsResponse>(await rest.GetStringAsync($"/v1/enforcement/batches/{batchId}/results?pageSize=1"));
        Assert.Equal("1", first.NextPageToken);
        Assert.Equal(2, first.TotalSize);
        var second = JsonParser.Default.Parse<ListBatchResultsResponse>(await rest.GetStringAsync($"/v1/enforcement/batches/{batchId}/results?pageSize=1&pageToken=1"));
        Assert.Equal("", second.NextPageToken);
        var person = Assert.Single(first.Results);
        Assert.Equal("330682********0113", person.IdNumber);
        Assert.Equal("91330604********44", Assert.Single(second.Results).CreditCode);

        // The same minimisation as a single query: the stored answers go out through the same interceptor.
        var single = await host.Enforcement(Requests.JudgeToken).QueryAssetsAsync(Requests.AssetQuery(Requests.Debtor, "REAL_ESTATE", "DEPOSIT"));
        Assert.NotEmpty(person.Units.SelectMany(u => u.Assets));
        Assert.Equal(single.Units.SelectMany(u => u.Assets), person.Units.SelectMany(u => u.Assets));
    }

    [Fact]
    public async Task AnotherJudge_GetsNotFound_ForEveryOperation_AsForABatchThatDoesNotExist()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var wang = BatchTesting.Client(host, Requests.JudgeToken);
        var batchId = (await wang.SubmitBatchAsync(new SubmitBatchRequest
        {
            CaseNumber = CaseTesting.WangCase,
            AssetKinds = { "TAX" },
            Rows = { BatchTesting.Row(CaseTesting.PersonDebtorId, "王建军") },
        })).Batch.BatchId;
        var li = BatchTesting.Client(host, Requests.JudgeTokenFor("judge-li"));

        var errors = new[]
        {
            await Assert.ThrowsAsync<RpcException>(() => li.GetBatchAsync(new GetBatchRequest { BatchId = batchId }).ResponseAsync),
            await Assert.ThrowsAsync<RpcException>(() => li.ListBatchResultsAsync(new ListBatchResultsRequest { BatchId = batchId }).ResponseAsync),
            await Assert.ThrowsAsync<RpcException>(() => li.CancelBatchAsync(new CancelBatchRequest { BatchId = batchId }).ResponseAsync),
            await Assert.ThrowsAsync<RpcException>(() => BatchTesting.WatchToEndAsync(li, batchId)),
            await Assert.ThrowsAsync<RpcException>(() => wang.GetBatchAsync(new GetBatchRequest { BatchId = Guid.NewGuid().ToString() }).ResponseAsync),
        };

        Assert.All(errors, e => Assert.Equal(StatusCode.NotFound, e.StatusCode));
        Assert.Single(errors.Select(e => e.Status.Detail).Distinct());
        Assert.NotEqual(BatchState.Cancelled, (await wang.GetBatchAsync(new GetBatchRequest { BatchId = batchId })).Batch.State);
        // The batch runs out before the host goes: disposing it mid unit call would wait on the fake clock.
        Assert.Equal(BatchState.Completed, (await BatchTesting.WatchToEndAsync(wang, batchId))[^1].State);
    }

    [Fact]
    public async Task Batch_WithoutJudgeRole_IsForbidden()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var notary = BatchTesting.Client(host, CaseTesting.NotaryToken);

        var error = await Assert.ThrowsAsync<RpcException>(() => notary.SubmitBatchAsync(new SubmitBatchRequest
        {
            CaseNumber = CaseTesting.WangCase,
            Rows = { BatchTesting.Row(CaseTesting.PersonDebtorId, "王建军") },
        }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal(0, host.Count("SELECT COUNT(*) FROM batches"));
    }
}
