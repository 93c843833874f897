using System.Globalization;
using Balms.Data;

namespace Balms.Reporting;

/// <summary>
/// A comma-separated file with a header row, as the run directory's writers produce it (no quoting). Errors name the
/// file, the line and the column.
/// </summary>
internal sealed class CsvTable
{
    private readonly string _path;
    private readonly string[] _header;

    private CsvTable(string path, string[] header, IReadOnlyList<Row> rows)
    {
        _path = path;
        _header = header;
        Rows = rows;
    }

    public IReadOnlyList<Row> Rows { get; }

    public IReadOnlyList<string> Header => _header;

    public static CsvTable Read(string path)
    {
        var lines = RunFiles.ReadAllLines(path);
        if (lines.Length == 0 || lines[0].Trim().Length == 0) throw new DataException($"{path} is empty; expected a header row");
        string[] header = lines[0].Trim().Split(',');
        var rows = new List<Row>();
        for (int i = 1; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0) continue;
            string[] fields = line.Split(',');
            if (fields.Length != header.Length)
                throw new DataException($"{path} line {i + 1}: expected {header.Length} fields as in the header, found {fields.Length}");
            rows.Add(new Row(fields, i + 1));
        }
        return new CsvTable(path, header, rows);
    }

    public int Column(string name)
    {
        int index = Array.IndexOf(_header, name);
        return index >= 0 ? index : throw new DataException($"{_path} has no column '{name}'");
    }

    public double Number(Row row, int column) =>
        OptionalNumber(row, column) ?? throw new DataException($"{_path} line {row.LineNumber}: '{_header[column]}' is empty; expected a number");

    /// <summary>The field as a number, or null when it is empty.</summary>
    public double? OptionalNumber(Row row, int column)
    {
        string field = row.Fields[column].Trim();
        if (field.Length == 0) return null;
        return double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new DataException($"{_path} line {row.LineNumber}: '{_header[column]}' is '{field}'; expected a number");
    }

    public sealed record Row(string[] Fields, int LineNumber);
}
