using ScottPlot;

namespace Balms.Reporting;

/// <summary>A confusion matrix as a heatmap: rows = true class, columns = predicted class, each row in percent of its class.</summary>
public static class ConfusionMatrixPlot
{
    public const int Width = 820;
    public const int Height = 760;
    private const int MaxAnnotatedClasses = 12;

    public static void Write(string pngPath, string title, IReadOnlyList<IReadOnlyList<long>> confusion, IReadOnlyList<string> classNames)
    {
        int classes = classNames.Count;
        if (classes == 0 || confusion.Count != classes || confusion.Any(row => row.Count != classes))
            throw new BalmsException($"cannot plot the confusion matrix for {pngPath}: expected {classes} x {classes} counts, one row and column per class name");

        double[,] percent = RowPercentages(confusion);
        var plot = Figure.Create(title, "predicted class", "true class");
        var heatmap = plot.Add.Heatmap(percent);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.ManualRange = new ScottPlot.Range(0, 100);
        heatmap.NaNCellColor = Colors.LightGray;
        plot.Axes.AddPanel(new ScottPlot.Panels.ColorBar(heatmap, Edge.Right) { Label = "% of the true class" });
        plot.HideGrid();

        // The heatmap draws row 0 at the top: row r sits at y = C - 1 - r, column c at x = c.
        Figure.ClassTicks(plot, plot.Axes.Bottom, classNames, c => c);
        Figure.ClassTicks(plot, plot.Axes.Left, classNames, r => classes - 1 - r);
        if (classes <= MaxAnnotatedClasses) Annotate(plot, percent);
        plot.Axes.TightMargins();
        Figure.SavePng(plot, pngPath, Width, Height);
    }

    /// <summary>Each row as percentages of its total; a class without test images gets NaN (drawn grey).</summary>
    private static double[,] RowPercentages(IReadOnlyList<IReadOnlyList<long>> confusion)
    {
        int classes = confusion.Count;
        var percent = new double[classes, classes];
        for (int row = 0; row < classes; row++)
        {
            double total = confusion[row].Sum();
            for (int column = 0; column < classes; column++)
                percent[row, column] = total > 0 ? 100 * confusion[row][column] / total : double.NaN;
        }
        return percent;
    }

    private static void Annotate(Plot plot, double[,] percent)
    {
        int classes = percent.GetLength(0);
        for (int row = 0; row < classes; row++)
        for (int column = 0; column < classes; column++)
        {
            if (double.IsNaN(percent[row, column])) continue;
            var text = plot.Add.Text(percent[row, column].ToString("F0", System.Globalization.CultureInfo.InvariantCulture), column, classes - 1 - row);
            text.Alignment = Alignment.MiddleCenter;
            text.LabelFontSize = 11;
            // Viridis is light at the top of its range, dark below.
            text.LabelFontColor = percent[row, column] > 60 ? Colors.Black : Colors.White;
        }
    }
}
