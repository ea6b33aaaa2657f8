using System.Text;
using DataGateway.Cli.Commands;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Subjects;

namespace DataGateway.Tests.Cli;

public sealed class BatchCsvTests
{
    private static readonly DateOnly Today = new(2026, 6, 1);

    private const string PersonId = "330682197803150113";
    private const string CompanyCode = "913306047258731244";
    private const string CaseNumber = "(2024)浙0604执1234号";

    /// <summary>What a clerk's Excel sheet holds: Chinese header, a person, a company in the same 证件号码 column, a case column.</summary>
    private static readonly string DebtorSheet =
        "证件号码,姓名,案号,执行标的\r\n"
        + $"{PersonId},王建军,{CaseNumber},50000\r\n"
        + $"{CompanyCode},绍兴市上虞区恒昌化工有限公司,,120000\r\n"
        + "33060419880704003x,孙志强,(2025)浙0604执2087号,\r\n";

    private static byte[] Utf8WithBom(string text) => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)];

    [Fact]
    public void ReadDebtors_Gb18030AndUtf8Bom_ReadTheSameRows()
    {
        var gb = BatchCsv.ReadDebtors(BatchCsv.Gb18030.GetBytes(DebtorSheet), Today);
        var utf8 = BatchCsv.ReadDebtors(Utf8WithBom(DebtorSheet), Today);

        Assert.Empty(gb.Problems);
        Assert.Empty(utf8.Problems);
        Assert.Equal(54936, gb.Encoding.CodePage);
        Assert.Equal(Encoding.UTF8.CodePage, utf8.Encoding.CodePage);
        Assert.Equal(utf8.Rows, gb.Rows);
        Assert.Equal(
            [
                new DebtorLine(2, new BatchRow { IdNumber = PersonId, Name = "王建军", CaseNumber = CaseNumber }),
                new DebtorLine(3, new BatchRow { CreditCode = CompanyCode, Name = "绍兴市上虞区恒昌化工有限公司" }),
                new DebtorLine(4, new BatchRow { IdNumber = "33060419880704003x", Name = "孙志强", CaseNumber = "(2025)浙0604执2087号" }),
            ],
            gb.Rows);
    }

    [Fact]
    public void ReadDebtors_Gb18030Bytes_AreNotMistakenForUtf8()
    {
        var bytes = BatchCsv.Gb18030.GetBytes(DebtorSheet);

        Assert.NotEqual(bytes, Encoding.UTF8.GetBytes(DebtorSheet));
        Assert.Equal(54936, BatchCsv.DetectEncoding(bytes).CodePage);
        Assert.Equal(Encoding.UTF8.CodePage, BatchCsv.DetectEncoding(Encoding.UTF8.GetBytes(DebtorSheet)).CodePage);
    }

    [Fact]
    public void ReadDebtors_EnglishOrBilingualHeaderAndCreditCodeColumn_Accepted()
    {
        var english = "idNumber,name,creditCode\n" + $"{PersonId},王建军,\n" + $",恒昌化工,{CompanyCode}\n";
        var bilingual = "证件号码(idNumber);姓名 (name);统一社会信用代码（creditCode）\n" + $"{PersonId};王建军;\n" + $";恒昌化工;{CompanyCode}\n";

        var fromEnglish = BatchCsv.ReadDebtors(Encoding.UTF8.GetBytes(english), Today);
        var fromBilingual = BatchCsv.ReadDebtors(Encoding.UTF8.GetBytes(bilingual), Today);

        Assert.Empty(fromEnglish.Problems);
        Assert.Equal(fromEnglish.Rows, fromBilingual.Rows);
        Assert.Equal(PersonId, fromEnglish.Rows[0].Row.IdNumber);
        Assert.Equal(CompanyCode, fromEnglish.Rows[1].Row.CreditCode);
    }

    [Fact]
    public void ReadDebtors_NoNameColumn_NamesLineOneAndTheColumnsFound()
    {
        var list = BatchCsv.ReadDebtors(Encoding.UTF8.GetBytes("证件号码,金额\n" + PersonId + ",1\n"), Today);

        var problem = Assert.Single(list.Problems);
        Assert.StartsWith("line 1: no name column", problem, StringComparison.Ordinal);
        Assert.Contains("证件号码, 金额", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadDebtors_ProblemsNameTheirLines_CountingBlankAndMultiLineRows()
    {
        var text = "证件号码,姓名,统一社会信用代码\n"
            + $"{PersonId},\"王\n建军\",\n"
            + "\n"
            + "3.30682E+17,王建军,\n"
            + $"{PersonId},王建军,{CompanyCode}\n";

        var list = BatchCsv.ReadDebtors(Encoding.UTF8.GetBytes(text), Today);

        Assert.Equal(2, list.Rows[0].Line);
        Assert.Equal(2, list.Problems.Count);
        Assert.StartsWith("line 5: the identifier looks like a number Excel has shortened", list.Problems[0], StringComparison.Ordinal);
        Assert.StartsWith("line 6: both 证件号码 (idNumber) and 统一社会信用代码 (creditCode) are filled", list.Problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void ReadDebtors_BrokenQuoting_NamesTheLine()
    {
        var text = "证件号码,姓名\n" + $"{PersonId},王建军\n" + $"{PersonId},\"王建军\"x\n";

        var list = BatchCsv.ReadDebtors(Encoding.UTF8.GetBytes(text), Today);

        Assert.StartsWith("line 3: the file is not valid CSV", Assert.Single(list.Problems), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PersonId, false)]
    [InlineData(CompanyCode, true)]
    [InlineData("91330604MA2BC7D3XY", true)]
    // Neither valid: letters inside make it a (mistyped) credit code, digits a (mistyped) ID number.
    [InlineData("91330604MA2BC7D3X0", true)]
    [InlineData("330682197803150114", false)]
    public void IsCreditCodeInIdColumn_DecidesByWhatTheValueCanBe(string value, bool creditCode) =>
        Assert.Equal(creditCode, BatchCsv.IsCreditCodeInIdColumn(value, Today));

    [Fact]
    public void Export_ThenRead_GivesBackTheSameSubjectsUnitsAndAssets()
    {
        var results = SampleResults();
        using var stream = new MemoryStream();
        int lines;
        using (var csv = BatchCsv.CreateResultsWriter(new NonClosingStream(stream)))
        {
            BatchCsv.WriteResultsHeader(csv);
            lines = BatchCsv.WriteResults(csv, results);
        }

        var bytes = stream.ToArray();
        stream.Position = 0;
        var read = BatchCsv.ReadResults(stream);

        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        // 2 assets + 1 unit holding nothing + 1 unit that timed out; 1 denied subject; 1 cancelled subject.
        Assert.Equal(6, lines);
        Assert.Equal(results, read);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.StartsWith("\uFEFF序号(position),提交行(rows),证件号码(idNumber)", text, StringComparison.Ordinal);
        // A value Excel would run as a formula is written as text.
        Assert.Contains(",\"'-1200.50\",", text, StringComparison.Ordinal);
    }

    [Fact]
    public void RowProblems_MapRowsToTheFilesLines()
    {
        var rows = new[] { new DebtorLine(2, new BatchRow()), new DebtorLine(5, new BatchRow()) };

        var lines = BatchCommand.RowProblems("rows[1].idNumber: check character should be 'X' but is '3'; rows[0]: case (2024)浙0604执1234号 is not assigned to you", rows, "debtors.csv").ToList();

        Assert.Equal(
            ["debtors.csv line 5 (idNumber): check character should be 'X' but is '3'", "debtors.csv line 2: case (2024)浙0604执1234号 is not assigned to you"],
            lines);
    }

    internal static List<BatchResult> SampleResults()
    {
        var answered = new BatchResult
        {
            Position = 0,
            Rows = { 0, 3 },
            IdNumber = Masking.MaskIdNumber(PersonId),
            Name = "王建军",
            CaseNumber = CaseNumber,
            State = BatchSubjectState.Answered,
            Complete = false,
            Units =
            {
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
                            Reference = "浙(2021)绍兴市上虞区不动产权第0012345号",
                            Description = "百官街道 市民大道 88号 1幢 302室, \"住宅\"",
                            Flags = { "MORTGAGED", "SEALED" },
                            Attributes = { ["area_m2"] = "89.50", ["unit_number"] = "330604001001GB00012F00010032" },
                        },
                        new Asset { AssetKind = "TAX", DataItem = "ENF-TAX-REFUND", AmountYuan = "-1200.50" },
                    },
                },
                new UnitAnswer { UnitId = "vehicle-admin", UnitName = "车管所", Status = UnitStatus.NotFound },
                new UnitAnswer { UnitId = "bank-sxrcb", UnitName = "浙江上虞农村商业银行", Status = UnitStatus.Timeout, Detail = "no answer within 3000 ms" },
            },
        };
        var denied = new BatchResult
        {
            Position = 1,
            Rows = { 1 },
            CreditCode = Masking.MaskCreditCode(CompanyCode),
            Name = "恒昌化工",
            CaseNumber = CaseNumber,
            State = BatchSubjectState.Denied,
            Detail = "case (2024)浙0604执1234号 is closed",
        };
        var cancelled = new BatchResult
        {
            Position = 2,
            Rows = { 2 },
            IdNumber = "330604********003X",
            Name = "孙志强",
            CaseNumber = "(2025)浙0604执2087号",
            State = BatchSubjectState.Cancelled,
        };
        return [answered, denied, cancelled];
    }

    /// <summary>Lets the test read the stream after the writer, which closes what it writes to, is done.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => throw new NotSupportedException();
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
    }
}
