using System.Globalization;
using System.Text;

namespace Balms.Reporting;

/// <summary>
/// The results as a Markdown table, one row per experiment: accuracies, macro F1 and ECE in percent, NLL in nats;
/// "mean ± std" when the experiment has several runs; "–" for a shot group without classes.
/// </summary>
public static class ResultsTableMarkdown
{
    public const string Absent = "–";

    public static string Render(IEnumerable<ExperimentSummary> experiments)
    {
        var table = new StringBuilder();
        table.AppendLine("| experiment | runs | top-1 (%) | many (%) | medium (%) | few (%) | macro F1 (%) | ECE (%) | NLL |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var e in experiments)
        {
            string[] cells =
            [
                Escape(e.Experiment), e.Runs.Count.ToString(CultureInfo.InvariantCulture),
                Percent(e.Top1), Percent(e.Many), Percent(e.Medium), Percent(e.Few), Percent(e.MacroF1), Percent(e.Ece),
                Format(e.Nll, 1, "F3"),
            ];
            table.Append("| ").AppendJoin(" | ", cells).AppendLine(" |");
        }
        return table.ToString();
    }

    private static string Percent(MeanStd? value) => Format(value, 100, "F2");

    private static string Format(MeanStd? value, double scale, string format)
    {
        if (value is not { } v) return Absent;
        string mean = (scale * v.Mean).ToString(format, CultureInfo.InvariantCulture);
        return v.Std is { } std ? $"{mean} ± {(scale * std).ToString(format, CultureInfo.InvariantCulture)}" : mean;
    }

    /// <summary>A pipe would end the cell early.</summary>
    public static string Escape(string text) => text.Replace("|", "\\|");
}
