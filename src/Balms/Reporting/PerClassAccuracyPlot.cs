using ScottPlot;

namespace Balms.Reporting;

/// <summary>
/// Test accuracy of every class against its number of training images (log scale). Each run is a series of points;
/// runs of one experiment (e.g. seeds) share a colour and differ in marker, and a line in that colour joins the
/// experiment's mean accuracy per class when it has several runs.
/// </summary>
public static class PerClassAccuracyPlot
{
    public static void Write(string pngPath, IReadOnlyList<LabelledRun> runs)
    {
        var plot = Figure.Create("Per-class accuracy against training images", "training images of the class (log scale)", "test accuracy (%)");
        var logCounts = new List<double>();
        var experiments = runs.GroupBy(r => r.Run.Experiment, StringComparer.Ordinal).ToList();
        for (int e = 0; e < experiments.Count; e++)
        {
            var experimentRuns = experiments[e].ToList();
            var color = Figure.SeriesColor(e);
            for (int r = 0; r < experimentRuns.Count; r++)
            {
                var (label, run) = experimentRuns[r];
                var (classes, xs) = PlottedClasses(run);
                logCounts.AddRange(xs);
                var series = plot.Add.ScatterPoints(xs, classes.Select(c => 100 * run.Metrics.PerClass[c]!.Value).ToArray(), color);
                series.MarkerShape = Figure.SeriesMarker(r);
                series.MarkerSize = 7;
                series.LegendText = label;
            }
            if (experimentRuns.Count > 1) AddMeanLine(plot, experimentRuns.Select(r => r.Run).ToList(), color);
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

    /// <summary>
    /// The classes with training images (a class without any has no place on a log axis) and test images (without any
    /// it has no accuracy), and their log10 counts.
    /// </summary>
    private static (int[] Classes, double[] LogCounts) PlottedClasses(RunResults run)
    {
        var counts = run.ClassCounts
                     ?? throw new BalmsException($"cannot plot per-class accuracy for {run.Directory}: it records no class counts");
        int[] classes = Enumerable.Range(0, run.ClassCount).Where(c => counts[c] > 0 && run.Metrics.PerClass[c] is not null).ToArray();
        return (classes, classes.Select(c => Math.Log10(counts[c])).ToArray());
    }

    /// <summary>The runs' mean accuracy per class, joined in order of class size (runs of an experiment share the counts).</summary>
    private static void AddMeanLine(Plot plot, IReadOnlyList<RunResults> runs, Color color)
    {
        var (classes, logCounts) = PlottedClasses(runs[0]);
        var order = Enumerable.Range(0, classes.Length).OrderBy(i => logCounts[i]).ToArray();
        var line = plot.Add.ScatterLine(order.Select(i => logCounts[i]).ToArray(),
            order.Select(i => 100 * runs.Select(run => run.Metrics.PerClass[classes[i]]).OfType<double>().Average()).ToArray(), color);
        line.LineWidth = 1.5f;
    }
}
