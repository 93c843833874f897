using Balms.Evaluation;
using Spectre.Console;

namespace Balms.Cli;

/// <summary>
/// The many/medium/few table printed after training and evaluation (percentages; "-" = no class in the group).
/// The main columns are the final model's; the last column is the best epoch's top-1 and the split that chose it.
/// </summary>
public static class ResultsTable
{
    public sealed record Row(string Name, ClassificationMetrics Metrics, string? Best = null);

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

    public static string BestNote(ClassificationMetrics? best, int? epoch, string split) =>
        best is null ? "-" : $"{Percent(best.Top1)} (epoch {epoch}, chosen on {split})";

    private static string Percent(double? value) => value is null ? "-" : $"{100 * value.Value:F2}";
}
