using Dapper;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Subjects;
using DataGateway.Features.Store;
using DataGateway.IntegrationTests.Audit;
using DataGateway.IntegrationTests.Cases;
using DataGateway.IntegrationTests.Infrastructure;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace DataGateway.IntegrationTests.Batches;

/// <summary>Clients, synthetic debtors, registered cases and store reads for the batch tests.</summary>
internal static class BatchTesting
{
    public static BatchService.BatchServiceClient Client(GatewayTestHost host, string token)
    {
        var server = (TestServer)host.Services.GetRequiredService<IServer>();
        var channel = GrpcChannel.ForAddress(server.BaseAddress, new GrpcChannelOptions { HttpHandler = server.CreateHandler() });
        return new BatchService.BatchServiceClient(channel.Intercept(metadata =>
        {
            metadata.Add("Authorization", "Bearer " + token);
            return metadata;
        }));
    }

    /// <summary>
    /// The <paramref name="n"/>th synthetic resident of Shangyu: a valid ID number (check character computed), unique for
    /// every n below 500,000, born between 1960 and 1990.
    /// </summary>
    public static string PersonId(int n)
    {
        var born = new DateOnly(1960, 1, 1).AddDays(n / 450);
        var first17 = $"330604{born:yyyyMMdd}{(n % 450) * 2 + 1:D3}";
        return first17 + ResidentIdNumber.ComputeCheckCharacter(first17);
    }

    /// <summary>"(2025)浙0604执{sequence}号".</summary>
    public static string CaseNumber(int sequence) => $"(2025)浙0604执{sequence}号";

    /// <summary>Registers an open case of judge-wang with these debtors, through the court system's PutCase (at most 200 parties).</summary>
    public static async Task RegisterCaseAsync(GatewayTestHost host, string caseNumber, IEnumerable<string> debtorIds)
    {
        var request = new PutCaseRequest
        {
            CaseNumber = caseNumber,
            CourtCode = CaseTesting.Court,
            Officers = { "judge-wang" },
            State = CaseState.Open,
            RegisteredOn = "2025-01-10",
        };
        request.Parties.Add(debtorIds.Select((id, i) => new CaseParty { Role = PartyRole.Debtor, Name = $"被执行人{i}", IdNumber = id }));
        await CaseTesting.Grpc(host, CaseTesting.CourtSystemToken).PutCaseAsync(request, deadline: DateTime.UtcNow.Add(TestContext.Timeout));
    }

    public static BatchRow Row(string idNumber, string name, string caseNumber = "") => new() { IdNumber = idNumber, Name = name, CaseNumber = caseNumber };

    /// <summary>Watches the batch until it is COMPLETED or CANCELLED; every progress message, in order.</summary>
    public static async Task<List<Batch>> WatchToEndAsync(BatchService.BatchServiceClient client, string batchId)
    {
        var updates = new List<Batch>();
        using var call = client.WatchBatch(new WatchBatchRequest { BatchId = batchId }, cancellationToken: TestContext.Deadline);
        await foreach (var update in call.ResponseStream.ReadAllAsync())
        {
            updates.Add(update.Batch);
        }

        return updates;
    }

    /// <summary>Every result of the batch, page by page.</summary>
    public static async Task<List<BatchResult>> AllResultsAsync(BatchService.BatchServiceClient client, string batchId, int pageSize = 250)
    {
        var results = new List<BatchResult>();
        var token = string.Empty;
        do
        {
            var page = await client.ListBatchResultsAsync(new ListBatchResultsRequest { BatchId = batchId, PageSize = pageSize, PageToken = token });
            results.AddRange(page.Results);
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        return results;
    }

    /// <summary>What the gateway writes as the detail of a batch-row record of reading stored results.</summary>
    public const string ResultReadDetail = "stored result read";

    /// <summary>The batch-row records of asking (not of reading results later): request id, subject hash, outcome.</summary>
    public static List<(string RequestId, string SubjectHash, string Outcome)> BatchRowRecords(this GatewayTestHost host)
    {
        using var connection = host.OpenStore();
        return [.. connection.Query<(string, string, string)>(
            "SELECT request_id, subject_hash, outcome FROM audit_records WHERE kind = 'batch-row' AND COALESCE(detail, '') <> @Read ORDER BY sequence",
            new { Read = ResultReadDetail })];
    }

    /// <summary>The batch-row records of reading stored results: request id, subject hash, items returned.</summary>
    public static List<(string RequestId, string SubjectHash, string ItemsReturned)> ResultReadRecords(this GatewayTestHost host)
    {
        using var connection = host.OpenStore();
        return [.. connection.Query<(string, string, string)>(
            "SELECT request_id, subject_hash, items_returned FROM audit_records WHERE kind = 'batch-row' AND detail = @Read ORDER BY sequence",
            new { Read = ResultReadDetail })];
    }

    public static long Count(this GatewayTestHost host, string sql)
    {
        using var connection = host.OpenStore();
        return connection.ExecuteScalar<long>(sql);
    }

    /// <summary>A count from the host's store, whichever engine it is on.</summary>
    public static async Task<long> CountAsync(this GatewayTestHost host, string sql, object? parameters = null)
    {
        await using var connection = await host.Services.GetRequiredService<GatewayStore>().OpenAsync(TestContext.Deadline);
        return await connection.ExecuteScalarAsync<long>(sql, parameters);
    }

    /// <summary>The request ids of the audit trail's batch-row records, from the host's store, whichever engine it is on.</summary>
    public static async Task<List<string>> BatchRowRequestIdsAsync(this GatewayTestHost host)
    {
        await using var connection = await host.Services.GetRequiredService<GatewayStore>().OpenAsync(TestContext.Deadline);
        return [.. await connection.QueryAsync<string>(
            "SELECT request_id FROM audit_records WHERE kind = 'batch-row' AND COALESCE(detail, '') <> @Read ORDER BY sequence", new { Read = ResultReadDetail })];
    }
}
