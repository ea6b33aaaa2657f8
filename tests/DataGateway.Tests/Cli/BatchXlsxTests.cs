using System.IO.Compression;
using System.Xml.Linq;
using DataGateway.Cli.Commands;
using DataGateway.Contracts.V1;
using MiniExcelLibs;

namespace DataGateway.Tests.Cli;

public sealed class BatchXlsxTests
{
    private const string Account = "6228480329108876512";

    private static readonly XNamespace Sheet = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    [Fact]
    public async Task Write_SameLinesAsTheCsv_InOneSheetWithTheCsvsColumns()
    {
        var results = BatchCsvTests.SampleResults();
        using var stream = new MemoryStream();

        var lines = await BatchXlsx.WriteAsync(stream, results, CancellationToken.None);

        stream.Position = 0;
        var rows = MiniExcel.Query(stream, useHeaderRow: true, sheetName: BatchXlsx.SheetName).Cast<IDictionary<string, object>>().ToList();
        var expected = BatchCsv.ResultLines(results).ToList();
        Assert.Equal(expected.Count, lines);
        Assert.Equal(expected.Count, rows.Count);
        Assert.Equal(BatchCsv.ResultColumns, rows[0].Keys);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], rows[i].Values.Select(v => v switch
            {
                null => string.Empty,
                double d => d.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
                _ => v.ToString(),
            }));
        }
    }

    [Fact]
    public async Task Write_LongAccountNumber_IsATextCell_TheAmountANumber()
    {
        var results = BatchCsvTests.SampleResults();
        results[0].Units[0].Assets.Add(new Asset { AssetKind = "DEPOSIT", DataItem = "ENF-BANK-DEPOSIT", Reference = Account, AmountYuan = "50000.00" });
        using var stream = new MemoryStream();

        await BatchXlsx.WriteAsync(stream, results, CancellationToken.None);

        var cells = SheetCells(stream);
        var reference = Assert.Single(cells, c => c.Value == Account);
        // A numeric cell has no type (or "n"): Excel would show 6.22848E+18 and keep 15 digits.
        Assert.Contains((string?)reference.Attribute("t"), new[] { "str", "inlineStr", "s" });
        var amount = Assert.Single(cells, c => c.Value == "50000.00");
        Assert.Equal("n", (string?)amount.Attribute("t"));
    }

    private static List<XElement> SheetCells(MemoryStream stream)
    {
        stream.Position = 0;
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        var sheet = zip.Entries.Single(e => e.FullName.StartsWith("xl/worksheets/", StringComparison.Ordinal) && e.FullName.EndsWith(".xml", StringComparison.Ordinal));
        using var entry = sheet.Open();
        return [.. XDocument.Load(entry).Descendants(Sheet + "c").Where(c => c.Element(Sheet + "v") is not null)];
    }
}
