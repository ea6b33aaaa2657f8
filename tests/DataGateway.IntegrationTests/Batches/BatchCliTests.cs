extern alias dgw;

using System.CommandLine;
using System.Text;
using dgw::DataGateway.Cli;
using dgw::DataGateway.Cli.Commands;
using DataGateway.Contracts.V1;
using DataGateway.IntegrationTests.Cases;
using DataGateway.IntegrationTests.Infrastructure;

namespace DataGateway.IntegrationTests.Batches;

/// <summary>The clerk's round trip with dgw against a real gateway: a GB18030 debtor list in, a results file out.</summary>
public sealed class BatchCliTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("dgw-batch-");

    public void Dispose() => _folder.Delete(recursive: true);

    private static async Task<(int ExitCode, string Output, string Error)> DgwAsync(GatewayTestHost host, params string[] args)
    {
        var root = new RootCommand { BatchCommand.Create(CliContext.Default, (_, token) => new BatchGatewayConnection(BatchTesting.Client(host, token))) };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Deadline);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task SubmitThenExport_Gb18030List_ResultsFileHoldsWhatTheGatewayAnswered()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var debtors = Path.Combine(_folder.FullName, "debtors.csv");
        await File.WriteAllBytesAsync(debtors, Cli.BatchCsv_Gb18030(
            "证件号码,姓名,案号\r\n"
            + $"{CaseTesting.PersonDebtorId},王建军,\r\n"
            + $"{CaseTesting.CompanyDebtorCode},绍兴市上虞区恒昌化工有限公司,\r\n"
            + $"{CaseTesting.NoAssetsId},孙志强,{CaseTesting.WangNoAssetsCase}\r\n"));
        var results = Path.Combine(_folder.FullName, "results.csv");

        var submit = await DgwAsync(host, "batch", "submit", debtors, "--case", CaseTesting.WangCase, "--asset-kinds", "REAL_ESTATE,VEHICLE", "--token", Requests.JudgeToken);
        var batchId = submit.Output.Trim();
        var export = await DgwAsync(host, "batch", "export", batchId, results, "--token", Requests.JudgeToken);

        Assert.True(submit.ExitCode == ExitCodes.Success, submit.Error);
        Assert.Contains("debtors.csv: 3 rows (gb18030)", submit.Error, StringComparison.Ordinal);
        Assert.Contains($"batch {batchId} COMPLETED: 3 of 3 subjects done", submit.Error, StringComparison.Ordinal);
        Assert.True(export.ExitCode == ExitCodes.Success, export.Error);
        await using var file = File.OpenRead(results);
        var exported = BatchCsv.ReadResults(file);
        var answered = await BatchTesting.AllResultsAsync(BatchTesting.Client(host, Requests.JudgeToken), batchId);
        Assert.Equal(answered.Select(AsExported), exported);
        Assert.Contains(exported, r => r.Units.Any(u => u.Assets.Count > 0));
    }

    [Fact]
    public async Task Export_ToXlsx_WritesAWorkbookWithTheCsvsLines()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var debtors = Path.Combine(_folder.FullName, "debtors.csv");
        await File.WriteAllTextAsync(debtors, "证件号码,姓名\n" + $"{CaseTesting.PersonDebtorId},王建军\n", TestContext.Deadline);
        var submit = await DgwAsync(host, "batch", "submit", debtors, "--case", CaseTesting.WangCase, "--token", Requests.JudgeToken);
        var batchId = submit.Output.Trim();
        var workbook = Path.Combine(_folder.FullName, "results.xlsx");

        var export = await DgwAsync(host, "batch", "export", batchId, workbook, "--token", Requests.JudgeToken);

        Assert.True(export.ExitCode == ExitCodes.Success, export.Error);
        var answered = await BatchTesting.AllResultsAsync(BatchTesting.Client(host, Requests.JudgeToken), batchId);
        var rows = MiniExcelLibs.MiniExcel.Query(workbook, useHeaderRow: true, sheetName: BatchXlsx.SheetName).Cast<IDictionary<string, object>>().ToList();
        var lines = BatchCsv.ResultLines(answered).ToList();
        Assert.Contains($"exported 1 subjects in {lines.Count} lines to results.xlsx", export.Error, StringComparison.Ordinal);
        Assert.Equal(lines.Select(l => l[BatchCsv.ResultColumns.Count - 6]), rows.Select(r => r["财产标识(reference)"]?.ToString() ?? string.Empty));
        Assert.False(File.Exists(workbook + ".partial"));
    }

    [Fact]
    public async Task Submit_RefusedRows_AreReportedByTheirLinesInTheFile_AndNothingIsAsked()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var debtors = Path.Combine(_folder.FullName, "debtors.csv");
        await File.WriteAllTextAsync(debtors, "姓名,证件号码\n王建军,330682197803150113\n\n王建军,330682197803150114\n", new UTF8Encoding(true));

        var submit = await DgwAsync(host, "batch", "submit", debtors, "--case", CaseTesting.WangCase, "--token", Requests.JudgeToken);

        Assert.Equal(ExitCodes.Failure, submit.ExitCode);
        Assert.Equal("", submit.Output);
        Assert.Contains("debtors.csv line 4 (idNumber): check character should be '3' but is '4'", submit.Error, StringComparison.Ordinal);
        Assert.Equal(0, host.Simulator.Stats.TotalCalls);
    }

    [Fact]
    public async Task Export_AnotherJudgesBatch_FailsAsNotFound_AndWritesNoFile()
    {
        await using var host = await GatewayTestHost.StartAsync();
        var batchId = (await BatchTesting.Client(host, Requests.JudgeToken).SubmitBatchAsync(new SubmitBatchRequest
        {
            CaseNumber = CaseTesting.WangCase,
            AssetKinds = { "TAX" },
            Rows = { BatchTesting.Row(CaseTesting.PersonDebtorId, "王建军") },
        })).Batch.BatchId;
        var results = Path.Combine(_folder.FullName, "results.csv");

        var export = await DgwAsync(host, "batch", "export", batchId, results, "--token", Requests.JudgeTokenFor("judge-li"));

        Assert.Equal(ExitCodes.Failure, export.ExitCode);
        Assert.Contains("no such batch of yours", export.Error, StringComparison.Ordinal);
        Assert.Empty(_folder.GetFiles());
        // The batch runs out before the host goes: disposing it mid unit call would wait on the fake clock.
        await BatchTesting.WatchToEndAsync(BatchTesting.Client(host, Requests.JudgeToken), batchId);
    }

    /// <summary>What an export keeps of a result: no latencies, cache flags, unit kinds or times.</summary>
    private static BatchResult AsExported(BatchResult result)
    {
        var copy = result.Clone();
        copy.AnsweredAt = null;
        foreach (var unit in copy.Units)
        {
            unit.LatencyMs = 0;
            unit.FromCache = false;
            unit.AnswerAgeMs = 0;
            unit.UnitKind = string.Empty;
        }

        return copy;
    }

    private static class Cli
    {
        public static byte[] BatchCsv_Gb18030(string text) => BatchCsv.Gb18030.GetBytes(text);
    }
}
