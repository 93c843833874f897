using ScottPlot;

namespace Balms.Reporting;

/// <summary>Test accuracy of every class against its number of training images (log scale), one series per run.</summary>
public static class PerClassAccuracyPlot
{
    public static void Write(string pngPath, IReadOnlyList<LabelledRun> runs)
    {
        var plot = Figure.Create("Per-class accuracy against training images", "training images of the class (log scale)", "test accuracy (%)");
        var logCounts = new List<double>();
        for (int i = 0; i < runs.Count; i++)
        {
            var (label, run) = runs[i];
            var counts = run.ClassCounts
                         ?? throw new BalmsException($"cannot plot per-class accuracy for {run.Directory}: it records no class counts");
            // A class without training images has no place on a log axis.
            int[] classes = Enumerable.Range(0, run.ClassCount).Where(c => counts[c] > 0).ToArray();
            double[] xs = classes.Select(c => Math.Log10(counts[c])).ToArray();
            logCounts.AddRange(xs);
            var series = plot.Add.ScatterPoints(xs,
                classes.Select(c => 100 * run.Metrics.PerClass[c]).ToArray(),
                Figure.SeriesColor(i));
            series.MarkerShape = Figure.SeriesMarker(i);
            series.MarkerSize = 7;
            series.LegendText = label;
        }
        plot.Axes.Bottom.TickGenerator = Figure.Log10Ticks();
        // Keep the points at 0 % and 100 % and at the extreme counts clear of the frame.
        if (logCounts.Count > 0)
        {
            double padding = Math.Max(0.04 * (logCounts.Max() - logCounts.Min()), 0.1);
            plot.Axes.SetLimitsX(logCounts.Min() - padding, logCounts.Max() + padding);
        }
        plot.Axes.SetLimitsY(-3, 103);
        plot.ShowLegend(Edge.Bottom);
        Figure.SavePng(plot, pngPath);
    }
}
