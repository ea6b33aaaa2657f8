using System.Globalization;
using DataGateway.Contracts.V1;
using MiniExcelLibs;

namespace DataGateway.Cli.Commands;

/// <summary>
/// The results of <c>dgw batch export</c> as an Excel workbook, for clerks who open them in Excel: a CSV's long digit
/// strings (19-digit bank accounts, 18-digit ID numbers with the last digits masked) are turned into numbers by Excel
/// on opening and shown as 6.22848E+18, their last digits lost for good once the file is saved again. Here every cell
/// is text, except the amount, which is a number so that it can be summed; a text cell is never run as a formula, so
/// no escaping is needed either. Same columns and lines as the CSV (<see cref="BatchCsv.ResultLines"/>).
/// </summary>
public static class BatchXlsx
{
    /// <summary>The worksheet's name: "query results".</summary>
    public const string SheetName = "查询结果";

    private static readonly int AmountColumn = BatchCsv.ResultColumns
        .Select((name, index) => (name, index))
        .Single(column => column.name.EndsWith("(amountYuan)", StringComparison.Ordinal)).index;

    /// <summary>Writes <paramref name="results"/> as one worksheet with a frozen header row and a filter; returns the lines written.</summary>
    public static async Task<int> WriteAsync(Stream stream, IEnumerable<BatchResult> results, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(results);
        var lines = 0;
        IEnumerable<Dictionary<string, object?>> Rows()
        {
            foreach (var cells in BatchCsv.ResultLines(results))
            {
                var row = new Dictionary<string, object?>(cells.Length, StringComparer.Ordinal);
                for (var i = 0; i < cells.Length; i++)
                {
                    row[BatchCsv.ResultColumns[i]] = i == AmountColumn && decimal.TryParse(cells[i], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
                        ? amount
                        : cells[i];
                }

                lines++;
                yield return row;
            }
        }

        await MiniExcel.SaveAsAsync(stream, Rows(), sheetName: SheetName, excelType: ExcelType.XLSX, cancellationToken: cancellationToken);
        return lines;
    }
}
