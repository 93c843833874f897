using Balms.Evaluation;
using Balms.Reporting;
using Spectre.Console;

namespace Balms.Cli;

/// <summary>
/// The many/medium/few table printed after training and evaluation (percentages; "-" = no class in the group).
/// The main columns are the final model's; the last column is the best epoch's top-1 and the split that chose it.
/// </summary>
public static class ResultsTable
{
    /// <summary>The table's figures of one run, as fractions.</summary>
    public sealed record Scores(double Top1, double? Many, double? Medium, double? Few, double MacroF1, double Ece)
    {
        public static Scores Of(ClassificationMetrics m) => new(m.Top1, m.Many, m.Medium, m.Few, m.MacroF1, m.Ece);

        /// <summary>A finished run's, as its metrics.json records them.</summary>
        public static Scores Of(RunMetrics m) => new(m.Top1, m.Many, m.Medium, m.Few, m.MacroF1, m.Ece);
    }

    public sealed record Row(string Name, Scores Metrics, string? Best = null);

    public static void Print(string title, IEnumerable<Row> rows)
    {
        var table = new Table().Title(title).AddColumns("run", "top-1", "many", "medium", "few", "macro F1", "ECE", "best epoch");
        foreach (var row in rows)
        {
            var m = row.Metrics;
            table.AddRow(Markup.Escape(row.Name), Percent(m.Top1), Percent(m.Many), Percent(m.Medium), Percent(m.Few),
                Percent(m.MacroF1), Percent(m.Ece), Markup.Escape(row.Best ?? "-"));
        }
        foreach (int column in new[] { 1, 2, 3, 4, 5, 6 }) table.Columns[column].RightAligned();
        Write(table);
    }

    private static void Write(Table table)
    {
        if (CliApp.Interactive) AnsiConsole.Write(table);
        else
        {
            // Plain text for logs and pipes: fixed-width columns without colours.
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(Console.Out) });
            console.Profile.Width = 150;
            table.Border(TableBorder.Ascii);
            console.Write(table);
        }
    }

    /// <summary>Mean ± sample standard deviation per experiment over its seeds.</summary>
    public static void PrintSeedSummary(IReadOnlyList<Row> rows)
    {
        var table = new Table().Title("Mean ± std over seeds (test split, %, final epoch)").AddColumns("run", "seeds", "top-1", "many", "medium", "few", "macro F1", "ECE");
        foreach (var group in rows.GroupBy(r => r.Name))
        {
            string Cell(Func<Scores, double?> metric)
            {
                var summary = MeanStd.Of(group.Select(r => metric(r.Metrics)));
                if (summary is not { } value) return "-";
                return value.Std is { } std ? $"{100 * value.Mean:F2} ± {100 * std:F2}" : $"{100 * value.Mean:F2}";
            }
            table.AddRow(Markup.Escape(group.Key), group.Count().ToString(), Cell(m => m.Top1), Cell(m => m.Many), Cell(m => m.Medium),
                Cell(m => m.Few), Cell(m => m.MacroF1), Cell(m => m.Ece));
        }
        Write(table);
    }

    public static string BestNote(ClassificationMetrics? best, int? epoch, string split) =>
        best is null ? "-" : $"{Percent(best.Top1)} (epoch {epoch}, chosen on {split})";

    private static string Percent(double? value) => value is null ? "-" : $"{100 * value.Value:F2}";
}
