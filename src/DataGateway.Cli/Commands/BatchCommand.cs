using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using DataGateway.Contracts.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Spectre.Console;

namespace DataGateway.Cli.Commands;

/// <summary>A connection to the gateway's BatchService; disposing it closes the channel it owns.</summary>
public sealed class BatchGatewayConnection(BatchService.BatchServiceClient client, IDisposable? owned = null) : IDisposable
{
    public BatchService.BatchServiceClient Client { get; } = client;

    public void Dispose() => owned?.Dispose();
}

/// <summary>Opens a connection to the gateway at <paramref name="gateway"/> that sends <paramref name="token"/> on every call.</summary>
public delegate BatchGatewayConnection BatchConnector(Uri gateway, string token);

/// <summary>
/// <c>dgw batch</c>: the judge's clerk sends a debtor list from a CSV file as one batch, watches it run, and exports
/// the results to a CSV file for Excel. Everything goes over the gateway's gRPC port with the judge's token; the batch
/// id goes to standard output (so <c>ID=$(dgw batch submit ... --no-wait)</c> works), everything else to standard error.
/// </summary>
public static partial class BatchCommand
{
    /// <summary>The environment variable read when --token is not given.</summary>
    public const string TokenVariable = "DGW_TOKEN";

    /// <summary>Results fetched per call when exporting.</summary>
    public const int ExportPageSize = 500;

    /// <summary>The gateway's gRPC endpoint on a development machine (appsettings.json, Kestrel "Grpc").</summary>
    public static Uri DefaultGateway { get; } = new("http://127.0.0.1:5081");

    /// <param name="connect">How to reach the gateway; tests pass an in-memory server. Default: a gRPC channel (h2c or TLS).</param>
    public static Command Create(CliContext context, BatchConnector? connect = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        connect ??= Connect;
        var gateway = new Option<Uri>("--gateway")
        {
            Description = $"The gateway's gRPC address. Default: {DefaultGateway}.",
            DefaultValueFactory = _ => DefaultGateway,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
                if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
                {
                    return uri;
                }

                result.AddError($"--gateway '{text}' is not an http:// or https:// address, e.g. {DefaultGateway}");
                return DefaultGateway;
            },
            HelpName = "url",
        };
        var token = new Option<string?>("--token")
        {
            Description = $"The judge's bearer token. Default: the {TokenVariable} environment variable.",
            HelpName = "token",
        };

        var file = new Argument<FileInfo>("debtors.csv")
        {
            Description = "The debtor list: columns 证件号码 (idNumber) or 统一社会信用代码 (creditCode), 姓名 (name), optional 案号 (caseNumber); UTF-8 or GB18030.",
        };
        var caseNumber = new Option<string?>("--case")
        {
            Description = "The case every row without its own 案号 is asked under, e.g. (2024)浙0604执1234号.",
            HelpName = "case number",
        };
        var assetKinds = new Option<string[]>("--asset-kinds")
        {
            Description = "Asset kinds to ask for, comma-separated, e.g. REAL_ESTATE,DEPOSIT. Default: every asset kind.",
            CustomParser = result => [.. result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
            HelpName = "kinds",
        };
        var fresh = new Option<bool>("--fresh") { Description = "Skip cached answers: ask every unit now." };
        var noWait = new Option<bool>("--no-wait") { Description = "Print the batch id and return without watching the batch run." };
        var submit = new Command("submit", "Send a debtor list as one batch, then show its progress until it is done.")
        {
            file, caseNumber, assetKinds, fresh, noWait, gateway, token,
        };
        submit.SetAction((parseResult, cancellationToken) => RunAsync(
            parseResult, token, gateway, connect,
            (connection, io) => SubmitAsync(
                connection,
                parseResult.GetRequiredValue(file),
                new SubmitBatchRequest
                {
                    CaseNumber = parseResult.GetValue(caseNumber) ?? string.Empty,
                    AssetKinds = { parseResult.GetValue(assetKinds) ?? [] },
                    Fresh = parseResult.GetValue(fresh),
                },
                !parseResult.GetValue(noWait),
                context,
                io,
                cancellationToken)));

        var watchId = new Argument<string>("batch-id") { Description = "The batch id that submit printed." };
        var watch = new Command("watch", "Show a batch's progress until it is done.") { watchId, gateway, token };
        watch.SetAction((parseResult, cancellationToken) => RunAsync(
            parseResult, token, gateway, connect,
            (connection, io) => WatchAsync(connection, parseResult.GetRequiredValue(watchId), io, cancellationToken)));

        var exportId = new Argument<string>("batch-id") { Description = "The batch id that submit printed." };
        var output = new Argument<FileInfo>("results.csv|results.xlsx")
        {
            Description = "Where to write the results: .xlsx for an Excel workbook (long account numbers kept whole), else CSV (UTF-8 with BOM); replaced if it exists.",
        };
        var export = new Command("export", "Write a batch's results to a CSV file or an Excel workbook: one line per subject × asset, and a line for every unit or subject without one.")
        {
            exportId, output, gateway, token,
        };
        export.SetAction((parseResult, cancellationToken) => RunAsync(
            parseResult, token, gateway, connect,
            (connection, io) => ExportAsync(connection, parseResult.GetRequiredValue(exportId), parseResult.GetRequiredValue(output), io, cancellationToken)));

        var cancelId = new Argument<string>("batch-id") { Description = "The batch id that submit printed." };
        var cancel = new Command("cancel", "Stop a batch: subjects not yet asked are not asked; answers already in stay.") { cancelId, gateway, token };
        cancel.SetAction((parseResult, cancellationToken) => RunAsync(
            parseResult, token, gateway, connect,
            async (connection, io) =>
            {
                var response = await connection.Client.CancelBatchAsync(new CancelBatchRequest { BatchId = parseResult.GetRequiredValue(cancelId) }, cancellationToken: cancellationToken);
                CliConsole.Create(io.Error).WriteLine(Summary(response.Batch));
                return ExitCodes.Success;
            }));

        return new Command("batch", "Batch asset queries (集中查控): a debtor list in, results out.") { submit, watch, export, cancel };
    }

    private static async Task<int> RunAsync(
        ParseResult parseResult,
        Option<string?> tokenOption,
        Option<Uri> gatewayOption,
        BatchConnector connect,
        Func<BatchGatewayConnection, InvocationConfiguration, Task<int>> action)
    {
        var io = parseResult.InvocationConfiguration;
        var errors = CliConsole.Create(io.Error);
        var token = parseResult.GetValue(tokenOption) ?? Environment.GetEnvironmentVariable(TokenVariable);
        if (string.IsNullOrWhiteSpace(token))
        {
            errors.WriteError($"no token: give --token or set {TokenVariable} (a judge's token, e.g. from 'dgw token --role judge --sub judge-wang --court 浙0604')");
            return ExitCodes.Usage;
        }

        var gateway = parseResult.GetRequiredValue(gatewayOption);
        try
        {
            using var connection = connect(gateway, token.Trim());
            return await action(connection, io);
        }
        catch (RpcException ex)
        {
            errors.WriteError(ex.StatusCode switch
            {
                StatusCode.Unavailable => $"cannot reach the gateway at {gateway}: {ex.Status.Detail}",
                StatusCode.Unauthenticated => $"the gateway refused the token: {ex.Status.Detail}",
                StatusCode.PermissionDenied => $"not allowed: {ex.Status.Detail}",
                StatusCode.NotFound => $"{ex.Status.Detail} (batches are visible only to the judge who submitted them)",
                _ => $"{ex.StatusCode}: {ex.Status.Detail}",
            });
            return ExitCodes.Failure;
        }
    }

    private static BatchGatewayConnection Connect(Uri gateway, string token)
    {
        var channel = GrpcChannel.ForAddress(gateway);
        var invoker = channel.Intercept(metadata =>
        {
            metadata.Add("Authorization", "Bearer " + token);
            return metadata;
        });
        return new BatchGatewayConnection(new BatchService.BatchServiceClient(invoker), channel);
    }

    private static async Task<int> SubmitAsync(
        BatchGatewayConnection connection,
        FileInfo file,
        SubmitBatchRequest request,
        bool wait,
        CliContext context,
        InvocationConfiguration io,
        CancellationToken cancellationToken)
    {
        var errors = CliConsole.Create(io.Error);
        if (!file.Exists)
        {
            errors.WriteError($"no file '{file.FullName}'");
            return ExitCodes.Failure;
        }

        var today = DateOnly.FromDateTime(context.TimeProvider.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);
        var list = BatchCsv.ReadDebtors(await File.ReadAllBytesAsync(file.FullName, cancellationToken), today);
        foreach (var problem in list.Problems)
        {
            errors.WriteError($"{file.Name} {problem}");
        }

        if (list.Problems.Count > 0)
        {
            return ExitCodes.Failure;
        }

        if (list.Rows.Count == 0)
        {
            errors.WriteError($"{file.Name} has no debtor rows below its header");
            return ExitCodes.Failure;
        }

        request.Rows.Add(list.Rows.Select(r => r.Row));
        errors.WriteLine($"{file.Name}: {list.Rows.Count:N0} rows ({list.Encoding.WebName})");
        Batch batch;
        try
        {
            batch = (await connection.Client.SubmitBatchAsync(request, cancellationToken: cancellationToken)).Batch;
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.InvalidArgument or StatusCode.PermissionDenied)
        {
            errors.WriteError($"the gateway refused the batch; nothing was asked{(ex.StatusCode == StatusCode.PermissionDenied ? " (purpose check)" : string.Empty)}:");
            foreach (var line in RowProblems(ex.Status.Detail, list.Rows, file.Name))
            {
                errors.WriteLine("  " + line);
            }

            return ExitCodes.Failure;
        }

        io.Output.WriteLine(batch.BatchId);
        var folded = batch.RowsSubmitted - batch.Total;
        errors.WriteLine($"batch {batch.BatchId}: {batch.Total:N0} subjects{(folded > 0 ? $" ({folded:N0} repeated rows folded)" : string.Empty)}, {batch.Units.Count} units each");
        return wait ? await WatchAsync(connection, batch.BatchId, io, cancellationToken) : ExitCodes.Success;
    }

    /// <summary>
    /// The gateway's "rows[12].idNumber: reason; ..." as lines naming the file's lines: "debtors.csv line 14 (idNumber): reason".
    /// </summary>
    public static IEnumerable<string> RowProblems(string detail, IReadOnlyList<DebtorLine> rows, string fileName)
    {
        ArgumentNullException.ThrowIfNull(detail);
        ArgumentNullException.ThrowIfNull(rows);
        var starts = ProblemStart().Matches(detail);
        if (starts.Count == 0)
        {
            yield return detail;
            yield break;
        }

        for (var i = 0; i < starts.Count; i++)
        {
            var match = starts[i];
            var reasonStart = match.Index + match.Length;
            var reason = detail[reasonStart..(i + 1 < starts.Count ? starts[i + 1].Index : detail.Length)];
            if (match.Groups["row"].Success
                && int.TryParse(match.Groups["row"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var row)
                && row < rows.Count)
            {
                var field = match.Groups["field"].Success ? $" ({match.Groups["field"].Value})" : string.Empty;
                yield return $"{fileName} line {rows[row].Line}{field}: {reason}";
            }
            else
            {
                yield return $"{match.Groups["path"].Value}: {reason}";
            }
        }
    }

    private static async Task<int> WatchAsync(BatchGatewayConnection connection, string batchId, InvocationConfiguration io, CancellationToken cancellationToken)
    {
        var console = CliConsole.Create(io.Error);
        Batch? last = null;
        using var call = connection.Client.WatchBatch(new WatchBatchRequest { BatchId = batchId }, cancellationToken: cancellationToken);
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask("waiting for the gateway", maxValue: 1);
                await foreach (var update in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    last = update.Batch;
                    task.MaxValue = Math.Max(1, last.Total);
                    task.Value = last.Done;
                    task.Description = $"{last.Done:N0}/{last.Total:N0} subjects" + (last.Failed > 0 ? $", {last.Failed:N0} incomplete" : string.Empty);
                }
            });

        if (last is null)
        {
            console.WriteError("the gateway ended the watch without any progress");
            return ExitCodes.Failure;
        }

        console.WriteLine(Summary(last));
        foreach (var unit in last.Units.Where(u => u.Timeout + u.Unavailable + u.Error + u.CircuitOpen > 0))
        {
            console.WriteLine($"  {unit.UnitId} {unit.UnitName}: timeout {unit.Timeout}, unavailable {unit.Unavailable}, error {unit.Error}, circuit open {unit.CircuitOpen}");
        }

        return last.State == BatchState.Completed ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static async Task<int> ExportAsync(BatchGatewayConnection connection, string batchId, FileInfo output, InvocationConfiguration io, CancellationToken cancellationToken)
    {
        var console = CliConsole.Create(io.Error);
        var batch = (await connection.Client.GetBatchAsync(new GetBatchRequest { BatchId = batchId }, cancellationToken: cancellationToken)).Batch;
        if (batch.State is BatchState.Queued or BatchState.Running)
        {
            console.WriteLine($"batch {batchId} is still {BatchCsv.ShortName(batch.State)}: subjects not yet asked are exported as PENDING");
        }

        // Written beside the target and moved over it at the end, so a failed export never leaves half a file behind.
        var partial = output.FullName + ".partial";
        var subjects = 0;
        var lines = 0;
        try
        {
            if (string.Equals(output.Extension, ".xlsx", StringComparison.OrdinalIgnoreCase))
            {
                // A workbook is written in one go: the pages are gathered first (10,000 subjects are a few MB).
                var results = new List<BatchResult>();
                await foreach (var page in PagesAsync(connection, batchId, cancellationToken))
                {
                    results.AddRange(page);
                }

                subjects = results.Count;
                await using var stream = File.Create(partial);
                lines = await BatchXlsx.WriteAsync(stream, results, cancellationToken);
            }
            else
            {
                await using var stream = File.Create(partial);
                await using var csv = BatchCsv.CreateResultsWriter(stream);
                BatchCsv.WriteResultsHeader(csv);
                await foreach (var page in PagesAsync(connection, batchId, cancellationToken))
                {
                    lines += BatchCsv.WriteResults(csv, page);
                    subjects += page.Count;
                }
            }

            File.Move(partial, output.FullName, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }

        console.WriteLine($"{Summary(batch)}; exported {subjects:N0} subjects in {lines:N0} lines to {output.Name}");
        return ExitCodes.Success;
    }

    private static async IAsyncEnumerable<IReadOnlyList<BatchResult>> PagesAsync(
        BatchGatewayConnection connection, string batchId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pageToken = string.Empty;
        do
        {
            var page = await connection.Client.ListBatchResultsAsync(
                new ListBatchResultsRequest { BatchId = batchId, PageSize = ExportPageSize, PageToken = pageToken },
                cancellationToken: cancellationToken);
            yield return page.Results;
            pageToken = page.NextPageToken;
        }
        while (pageToken.Length > 0);
    }

    private static string Summary(Batch batch) =>
        $"batch {batch.BatchId} {BatchCsv.ShortName(batch.State)}: {batch.Done:N0} of {batch.Total:N0} subjects done, {batch.Failed:N0} incomplete";

    [GeneratedRegex(@"(?:^|; )(?<path>(?:rows\[(?<row>[0-9]+)\](?:\.(?<field>[A-Za-z]+))?)|[A-Za-z][A-Za-z0-9.\[\]]*): ")]
    private static partial Regex ProblemStart();
}
