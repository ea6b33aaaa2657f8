using System.Globalization;
using System.Security.Claims;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Audit;
using DataGateway.Domain.Identity;
using DataGateway.Features.Api;
using DataGateway.Features.Audit;
using DataGateway.Features.Identity;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace DataGateway.Features.Batches;

/// <summary>
/// Batch asset queries over gRPC and, through JSON transcoding, REST (/v1/enforcement/batches...). A batch belongs to
/// the judge who submitted it (the token's <c>sub</c>): anyone else is told it does not exist.
/// </summary>
[Authorize(Policy = Policies.Judge)]
internal sealed class BatchGrpcService(
    BatchSubmitter submitter,
    IBatchStore store,
    BatchRunner runner,
    BatchSignals signals,
    IAuditTrail audit,
    IOptions<BatchesOptions> options,
    TimeProvider timeProvider) : BatchService.BatchServiceBase
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    public override async Task<SubmitBatchResponse> SubmitBatch(SubmitBatchRequest request, ServerCallContext context) =>
        new() { Batch = await submitter.SubmitAsync(request, context.GetHttpContext().User, context.CancellationToken) };

    public override async Task<GetBatchResponse> GetBatch(GetBatchRequest request, ServerCallContext context) =>
        new() { Batch = await FindAsync(request.BatchId, context) };

    public override async Task WatchBatch(WatchBatchRequest request, IServerStreamWriter<WatchBatchResponse> responseStream, ServerCallContext context)
    {
        var batchId = ParseId(request.BatchId);
        var owner = OwnerOf(context);
        var poll = TimeSpan.FromSeconds(options.Value.PollSeconds);
        var cancellationToken = context.CancellationToken;
        Batch? sent = null;
        while (true)
        {
            // Taken before the read, so progress made between the read and the wait is not missed.
            var change = signals.NextChangeAsync(batchId);
            var end = signals.NextEndAsync(batchId);
            var readAt = timeProvider.GetTimestamp();
            var batch = await store.GetAsync(batchId, owner, cancellationToken) ?? throw NoSuchBatch();
            if (!batch.Equals(sent))
            {
                // Without a token: writers wrapped by interceptors (minimisation) support only this overload.
                await responseStream.WriteAsync(new WatchBatchResponse { Batch = batch });
                sent = batch;
            }

            if (batch.State is BatchState.Completed or BatchState.Cancelled)
            {
                // Wakes any other watcher of the batch to see the end too, and leaves no signal behind.
                signals.Ended(batchId);
                return;
            }

            // Progress made here is signalled; progress made by another replica shows at the next periodic read.
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(change, end, Task.Delay(poll, timeProvider, wake.Token));
            // Progress is read at most every MinProgressInterval; the end at once. A running batch signals a change with
            // every group of results written (tens to hundreds a second), and re-reading at that pace cost the gateway
            // ~3.5 % of its CPU during bench S3, for updates no one reads that fast.
            var early = MinProgressInterval - timeProvider.GetElapsedTime(readAt);
            if (!end.IsCompleted && early > TimeSpan.Zero)
            {
                await Task.WhenAny(end, Task.Delay(early, timeProvider, wake.Token));
            }

            await wake.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>The least time between two reads of a running batch's progress for one watcher.</summary>
    internal static readonly TimeSpan MinProgressInterval = TimeSpan.FromMilliseconds(100);

    public override async Task<ListBatchResultsResponse> ListBatchResults(ListBatchResultsRequest request, ServerCallContext context)
    {
        var batchId = ParseId(request.BatchId);
        var pageSize = request.PageSize switch
        {
            0 => DefaultPageSize,
            < 0 or > MaxPageSize => throw ApiErrors.InvalidArgument("pageSize", $"must be between 1 and {MaxPageSize} (got {request.PageSize})"),
            _ => request.PageSize,
        };
        var from = 0;
        if (request.PageToken.Length > 0
            && (!int.TryParse(request.PageToken, NumberStyles.None, CultureInfo.InvariantCulture, out from) || from < 0))
        {
            throw ApiErrors.InvalidArgument("pageToken", "is not a token this service gave; pass the nextPageToken of the previous page");
        }

        var page = await store.ListResultsAsync(batchId, OwnerOf(context), from, pageSize, context.CancellationToken) ?? throw NoSuchBatch();
        await RecordReadAsync(batchId, page, context.GetHttpContext().User);
        var response = new ListBatchResultsResponse { TotalSize = page.Total };
        response.Results.Add(page.Results);
        if (page.Results.Count == pageSize && page.Results[^1].Position + 1 < page.Total)
        {
            response.NextPageToken = (page.Results[^1].Position + 1).ToString(CultureInfo.InvariantCulture);
        }

        return response;
    }

    public override async Task<CancelBatchResponse> CancelBatch(CancelBatchRequest request, ServerCallContext context)
    {
        var batchId = ParseId(request.BatchId);
        var batch = await store.CancelAsync(batchId, OwnerOf(context), timeProvider.GetUtcNow(), context.CancellationToken) ?? throw NoSuchBatch();
        // The store no longer leases its subjects; the questions in flight here are abandoned at once.
        runner.Abandon(batchId);
        signals.Ended(batchId);
        return new CancelBatchResponse { Batch = batch };
    }

    /// <summary>
    /// Reading stored answers again is an access too (as reading a stored estate report is): one batch-row record per
    /// answered subject on the page, under the subject's own request id, so a search by subject finds the reads next to
    /// the asking. Subjects not asked (pending, denied, cancelled) show no data and are not recorded.
    /// </summary>
    private async Task RecordReadAsync(string batchId, BatchResultsPage page, ClaimsPrincipal user)
    {
        var records = new List<AccessRecord>();
        for (var i = 0; i < page.Results.Count; i++)
        {
            var result = page.Results[i];
            if (result.State != BatchSubjectState.Answered)
            {
                continue;
            }

            records.Add(new AccessRecord
            {
                Kind = AuditKinds.BatchRow,
                RequestId = $"{batchId}/{result.Position}",
                Actor = AuditActor.From(user),
                PurposeKind = AuditPurposeKinds.Case,
                Purpose = result.CaseNumber,
                SubjectHash = page.SubjectHashes[i],
                ItemsReturned = [.. result.Units.SelectMany(u => u.Assets).Select(a => a.DataItem).Distinct(StringComparer.Ordinal)],
                Outcome = AuditOutcomes.Answered,
                Detail = "stored result read",
            });
        }

        if (records.Count > 0)
        {
            // The page is read; if its reading cannot be recorded it is not given.
            await audit.RecordOrRefuseAsync(records);
        }
    }

    private async Task<Batch> FindAsync(string id, ServerCallContext context) =>
        await store.GetAsync(ParseId(id), OwnerOf(context), context.CancellationToken) ?? throw NoSuchBatch();

    private static string ParseId(string id) =>
        Guid.TryParse(id, out var guid) ? guid.ToString() : throw ApiErrors.InvalidArgument("batchId", "is not a batch id (the batchId SubmitBatch answered)");

    private static string OwnerOf(ServerCallContext context) =>
        context.GetHttpContext().User.FindFirstValue(GatewayClaimTypes.Subject) ?? string.Empty;

    // The same answer whether the batch does not exist or is another judge's: its existence is not theirs to learn.
    private static RpcException NoSuchBatch() => ApiErrors.NotFound("batchId", "no such batch of yours");
}
