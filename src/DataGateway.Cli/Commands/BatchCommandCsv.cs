using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CsvHelper;
using DataGateway.Contracts.V1;
using DataGateway.Domain.Subjects;

namespace DataGateway.Cli.Commands;

/// <summary>A debtor row read from a CSV file, with the line it came from (for messages the clerk can act on).</summary>
public sealed record DebtorLine(int Line, BatchRow Row);

/// <summary>What a debtor list held: the rows, the encoding it was read in, and the problems that stop it being sent.</summary>
public sealed record DebtorList(IReadOnlyList<DebtorLine> Rows, Encoding Encoding, IReadOnlyList<string> Problems);

/// <summary>
/// The CSV files of <c>dgw batch</c>. Debtor lists come from Excel on Chinese desktops: a header in Chinese or English,
/// UTF-8 with or without a byte-order mark, or GB18030/GBK (what "CSV" in a Chinese Excel writes). Results go out as
/// UTF-8 with a byte-order mark, which every Excel opens correctly, with Chinese column names and English in brackets.
/// <para>
/// Only the file's shape is checked here (columns, encoding, lines); whether an identifier, name or case number is
/// valid is for the gateway to say, with the same rules as a single query, and its answer is mapped back to lines.
/// </para>
/// </summary>
public static class BatchCsv
{
    /// <summary>Column names accepted for each field, compared without case, spaces or brackets: "证件号码(idNumber)" matches both.</summary>
    private static readonly string[] IdNumberNames = ["证件号码", "身份证号", "身份证号码", "公民身份号码", "idnumber", "id_number"];
    private static readonly string[] CreditCodeNames = ["统一社会信用代码", "信用代码", "creditcode", "credit_code"];
    private static readonly string[] NameNames = ["姓名", "名称", "姓名/名称", "被执行人", "被执行人姓名", "name"];
    private static readonly string[] CaseNumberNames = ["案号", "执行案号", "casenumber", "case_number"];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Column headers of an exported results file, in order.</summary>
    public static IReadOnlyList<string> ResultColumns { get; } =
    [
        "序号(position)", "提交行(rows)", "证件号码(idNumber)", "统一社会信用代码(creditCode)", "姓名(name)", "案号(caseNumber)",
        "查询状态(subjectState)", "单位编号(unitId)", "单位名称(unitName)", "单位答复(unitStatus)", "财产类别(assetKind)",
        "数据项(dataItem)", "财产标识(reference)", "描述(description)", "金额(元)(amountYuan)", "状态标记(flags)",
        "其他信息(attributes)", "说明(detail)",
    ];

    private static readonly JsonSerializerOptions AttributeJson = new()
    {
        // Chinese stays readable in Excel instead of becoming \u escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    static BatchCsv()
    {
        // GB18030 and GBK are code-page encodings, which .NET provides only once registered.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    /// <summary>GB18030, the superset of GBK and GB2312 that Chinese Windows writes.</summary>
    public static Encoding Gb18030 => Encoding.GetEncoding(54936);

    /// <summary>
    /// The encoding of a debtor list: a byte-order mark decides (UTF-8, UTF-16); otherwise bytes that are valid UTF-8
    /// are UTF-8 (GB18030 text is almost never valid UTF-8), and anything else is GB18030.
    /// </summary>
    public static Encoding DetectEncoding(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return Encoding.UTF8;
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return Encoding.Unicode;
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return Encoding.BigEndianUnicode;
        }

        try
        {
            StrictUtf8.GetCharCount(bytes);
            return Encoding.UTF8;
        }
        catch (DecoderFallbackException)
        {
            return Gb18030;
        }
    }

    /// <summary>Reads a debtor list. Problems name the line (1 is the header); rows without any value are skipped.</summary>
    /// <param name="today">Bounds birth dates when telling a resident ID from a credit code in a shared column.</param>
    public static DebtorList ReadDebtors(byte[] bytes, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var encoding = DetectEncoding(bytes);
        var text = encoding.GetString(bytes).TrimStart('\uFEFF');
        var problems = new List<string>();
        var rows = new List<DebtorLine>();
        using var csv = CsvReader.FromText(text, new CsvReaderOptions
        {
            // The separator is detected (Excel writes ";" or tabs in some locales); lines are counted for messages.
            TrackLineNumbers = true,
            TrimWhitespace = true,
            MalformedData = CsvMalformedDataHandling.Throw,
        });

        try
        {
            var header = csv.Headers.ToArray();
            if (header.Length == 0 || header.All(h => h.Trim('\uFEFF').Length == 0))
            {
                return new DebtorList(rows, encoding, ["the file is empty: line 1 must name the columns, e.g. 证件号码,姓名,案号"]);
            }

            var idColumn = ColumnOf(header, IdNumberNames);
            var codeColumn = ColumnOf(header, CreditCodeNames);
            var nameColumn = ColumnOf(header, NameNames);
            var caseColumn = ColumnOf(header, CaseNumberNames);
            if (idColumn < 0 && codeColumn < 0)
            {
                problems.Add($"line 1: no identifier column; name one 证件号码 (idNumber) or 统一社会信用代码 (creditCode) (columns found: {string.Join(", ", header)})");
            }

            if (nameColumn < 0)
            {
                problems.Add($"line 1: no name column; name one 姓名 (name) (columns found: {string.Join(", ", header)})");
            }

            if (problems.Count > 0)
            {
                return new DebtorList(rows, encoding, problems);
            }

            while (csv.Read())
            {
                var line = (int)csv.LineNumber;
                var id = Field(csv, idColumn);
                var code = Field(csv, codeColumn);
                var name = Field(csv, nameColumn);
                var caseNumber = Field(csv, caseColumn);
                if (id.Length == 0 && code.Length == 0 && name.Length == 0 && caseNumber.Length == 0)
                {
                    continue;
                }

                if (LooksShortenedByExcel(id) || LooksShortenedByExcel(code))
                {
                    problems.Add($"line {line}: the identifier looks like a number Excel has shortened (e.g. 3.30682E+17); format the column as text and enter the full 18 characters");
                    continue;
                }

                if (id.Length > 0 && code.Length > 0)
                {
                    problems.Add($"line {line}: both 证件号码 (idNumber) and 统一社会信用代码 (creditCode) are filled; give one identifier per row");
                    continue;
                }

                var row = new BatchRow { Name = name, CaseNumber = caseNumber };
                if (code.Length > 0 || (id.Length > 0 && IsCreditCodeInIdColumn(id, today)))
                {
                    row.CreditCode = code.Length > 0 ? code : id;
                }
                else if (id.Length > 0)
                {
                    row.IdNumber = id;
                }

                rows.Add(new DebtorLine(line, row));
            }
        }
        catch (CsvFormatException ex)
        {
            problems.Add($"line {ex.LineNumber}: the file is not valid CSV: {FirstLine(ex.Message)}");
        }

        return new DebtorList(rows, encoding, problems);
    }

    /// <summary>
    /// A debtor list may put companies' credit codes in the 证件号码 column (one column for "the debtor's number"): a
    /// value that is not a valid resident ID number but is a valid credit code, or that holds letters a resident ID
    /// cannot, is sent as a credit code. Anything else goes as an ID number, and the gateway says what is wrong with it.
    /// </summary>
    public static bool IsCreditCodeInIdColumn(string value, DateOnly today)
    {
        if (ResidentIdNumber.TryValidate(value, today, out _, out _))
        {
            return false;
        }

        if (UnifiedSocialCreditCode.TryValidate(value, out _, out _))
        {
            return true;
        }

        return value.Length == UnifiedSocialCreditCode.Length && value[..^1].Any(char.IsLetter);
    }

    /// <summary>Writes the header of a results file; call once, then <see cref="WriteResults"/> for each page.</summary>
    public static void WriteResultsHeader(CsvWriter csv)
    {
        ArgumentNullException.ThrowIfNull(csv);
        csv.WriteRecord([.. ResultColumns]);
    }

    /// <summary>
    /// One line per subject × unit × asset, and one per unit that holds nothing or did not answer, and one per subject
    /// that was not asked (denied, cancelled, pending), so nothing is silently missing. Returns the lines written.
    /// </summary>
    public static int WriteResults(CsvWriter csv, IEnumerable<BatchResult> results)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var lines = 0;
        foreach (var cells in ResultLines(results))
        {
            csv.WriteRecord(cells);
            lines++;
        }

        return lines;
    }

    /// <summary>
    /// The cells of every exported line, in <see cref="ResultColumns"/> order, for either file type: one line per
    /// subject × unit × asset, one per unit that holds nothing or did not answer, one per subject not asked.
    /// </summary>
    public static IEnumerable<string[]> ResultLines(IEnumerable<BatchResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        foreach (var result in results)
        {
            if (result.Units.Count == 0)
            {
                yield return Cells(result, null, null);
                continue;
            }

            foreach (var unit in result.Units)
            {
                if (unit.Assets.Count == 0)
                {
                    yield return Cells(result, unit, null);
                    continue;
                }

                foreach (var asset in unit.Assets)
                {
                    yield return Cells(result, unit, asset);
                }
            }
        }
    }

    /// <summary>A new writer for a results file: UTF-8 with a byte-order mark, so Excel shows the Chinese as written.</summary>
    public static CsvWriter CreateResultsWriter(Stream stream) =>
        CsvWriter.Create(stream, new CsvWriterOptions
        {
            WriteByteOrderMark = true,
            // A cell starting with = + - @ would run as a formula in Excel; such cells start with an apostrophe instead.
            Injection = CsvInjection.Escape,
        }, leaveOpen: false);

    /// <summary>
    /// Reads back a results file written by <see cref="WriteResults"/>: the subjects, with each unit's status and assets.
    /// Latencies, cache flags and times are not exported and come back empty.
    /// </summary>
    public static IReadOnlyList<BatchResult> ReadResults(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var csv = CsvReader.Create(stream, new CsvReaderOptions { Separator = ',' }, leaveOpen: true);
        csv.ReadHeader();
        var results = new List<BatchResult>();
        while (csv.Read())
        {
            var position = int.Parse(Cell(csv, 0), CultureInfo.InvariantCulture) - 1;
            var result = results.Count > 0 && results[^1].Position == position ? results[^1] : null;
            if (result is null)
            {
                result = new BatchResult
                {
                    Position = position,
                    Name = Cell(csv, 4),
                    CaseNumber = Cell(csv, 5),
                    State = ParseEnum<BatchSubjectState>(Cell(csv, 6)),
                };
                result.Rows.Add(Cell(csv, 1).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => int.Parse(r, CultureInfo.InvariantCulture) - 1));
                var id = Cell(csv, 2);
                if (id.Length > 0)
                {
                    result.IdNumber = id;
                }
                else
                {
                    result.CreditCode = Cell(csv, 3);
                }

                results.Add(result);
            }

            var unitId = Cell(csv, 7);
            var detail = Cell(csv, 17);
            if (unitId.Length == 0)
            {
                result.Detail = detail;
                continue;
            }

            var unit = result.Units.Count > 0 && result.Units[^1].UnitId == unitId ? result.Units[^1] : null;
            if (unit is null)
            {
                unit = new UnitAnswer
                {
                    UnitId = unitId,
                    UnitName = Cell(csv, 8),
                    Status = ParseEnum<UnitStatus>(Cell(csv, 9)),
                    Detail = detail,
                };
                result.Units.Add(unit);
            }

            var dataItem = Cell(csv, 11);
            if (dataItem.Length == 0)
            {
                continue;
            }

            var asset = new Asset
            {
                AssetKind = Cell(csv, 10),
                DataItem = dataItem,
                Reference = Cell(csv, 12),
                Description = Cell(csv, 13),
                AmountYuan = Cell(csv, 14),
            };
            asset.Flags.Add(Cell(csv, 15).Split(',', StringSplitOptions.RemoveEmptyEntries));
            var attributes = Cell(csv, 16);
            if (attributes.Length > 0)
            {
                asset.Attributes.Add(JsonSerializer.Deserialize<Dictionary<string, string>>(attributes, AttributeJson)!);
            }

            unit.Assets.Add(asset);
        }

        foreach (var result in results)
        {
            result.Complete = result.State == BatchSubjectState.Answered
                && result.Units.All(u => u.Status is UnitStatus.Ok or UnitStatus.NotFound);
        }

        return results;
    }

    /// <summary>The short name of a contract enum value, as the .proto names it less its prefix: UNIT_STATUS_NOT_FOUND → NOT_FOUND.</summary>
    public static string ShortName<T>(T value)
        where T : struct, Enum => EnumNames<T>.ByValue.TryGetValue(value, out var name) ? name : value.ToString();

    private static T ParseEnum<T>(string shortName)
        where T : struct, Enum => EnumNames<T>.ByName.TryGetValue(shortName, out var value) ? value : default;

    /// <summary>A contract enum's values by their .proto names (OriginalName), prefix removed.</summary>
    private static class EnumNames<T>
        where T : struct, Enum
    {
        public static readonly Dictionary<T, string> ByValue = Build();

        public static readonly Dictionary<string, T> ByName = ByValue.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

        private static Dictionary<T, string> Build()
        {
            var names = typeof(T).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
                .Select(f => (Value: (T)f.GetValue(null)!, Name: f.GetCustomAttributes(typeof(Google.Protobuf.Reflection.OriginalNameAttribute), false)
                    .OfType<Google.Protobuf.Reflection.OriginalNameAttribute>().Single().Name))
                .ToList();
            var prefix = names.Single(n => n.Name.EndsWith("_UNSPECIFIED", StringComparison.Ordinal)).Name[..^"UNSPECIFIED".Length];
            return names.ToDictionary(n => n.Value, n => n.Name.StartsWith(prefix, StringComparison.Ordinal) ? n.Name[prefix.Length..] : n.Name);
        }
    }

    private static string[] Cells(BatchResult result, UnitAnswer? unit, Asset? asset) =>
    [
        (result.Position + 1).ToString(CultureInfo.InvariantCulture),
        string.Join(',', result.Rows.Select(r => (r + 1).ToString(CultureInfo.InvariantCulture))),
        result.HasIdNumber ? result.IdNumber : string.Empty,
        result.HasCreditCode ? result.CreditCode : string.Empty,
        result.Name,
        result.CaseNumber,
        ShortName(result.State),
        unit?.UnitId ?? string.Empty,
        unit?.UnitName ?? string.Empty,
        unit is null ? string.Empty : ShortName(unit.Status),
        asset?.AssetKind ?? string.Empty,
        asset?.DataItem ?? string.Empty,
        asset?.Reference ?? string.Empty,
        asset?.Description ?? string.Empty,
        asset?.AmountYuan ?? string.Empty,
        asset is null ? string.Empty : string.Join(',', asset.Flags),
        asset is null || asset.Attributes.Count == 0
            ? string.Empty
            : JsonSerializer.Serialize(asset.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).ToDictionary(a => a.Key, a => a.Value), AttributeJson),
        (unit is null ? result.Detail : unit.Detail) ?? string.Empty,
    ];

    private static string Cell(CsvReader csv, int column) => Unescape(csv.GetString(column));

    // CsvHelper's injection escape puts an apostrophe before a leading = + - @ (or tab, carriage return).
    private static string Unescape(string value) =>
        value.Length > 1 && value[0] == '\'' && value[1] is '=' or '+' or '-' or '@' or '\t' or '\r' ? value[1..] : value;

    private static int ColumnOf(string[] header, string[] names)
    {
        for (var i = 0; i < header.Length; i++)
        {
            foreach (var part in HeaderParts(header[i]))
            {
                if (names.Contains(part, StringComparer.OrdinalIgnoreCase))
                {
                    return i;
                }
            }
        }

        return -1;
    }

    /// <summary>"证件号码 (idNumber)" → "证件号码(idnumber)", "证件号码", "idnumber": a header may give both languages.</summary>
    private static IEnumerable<string> HeaderParts(string header)
    {
        var compact = new string([.. header.Trim('\uFEFF').Where(c => !char.IsWhiteSpace(c))]).Replace('（', '(').Replace('）', ')');
        yield return compact;
        foreach (var part in compact.Split(['(', ')'], StringSplitOptions.RemoveEmptyEntries))
        {
            yield return part;
        }
    }

    private static string Field(CsvReader csv, int column) =>
        column < 0 || column >= csv.FieldCount ? string.Empty : csv.GetString(column).Trim();

    private static bool LooksShortenedByExcel(string value) =>
        value.Contains("E+", StringComparison.OrdinalIgnoreCase) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
