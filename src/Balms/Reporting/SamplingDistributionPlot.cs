using ScottPlot;

namespace Balms.Reporting;

/// <summary>
/// The Meta Sampler's learned class distribution against the two fixed ones it moves between: instance-balanced
/// sampling (P(c) = n_c / N) and class-balanced sampling (P(c) = 1 / C).
/// </summary>
public static class SamplingDistributionPlot
{
    public static void Write(string pngPath, IReadOnlyList<long> classCounts, IReadOnlyList<double> learned, IReadOnlyList<string> classNames)
    {
        int classes = classCounts.Count;
        if (classes == 0) throw new BalmsException($"cannot plot the sampling distribution for {pngPath}: there are no classes");
        if (learned.Count != classes || classNames.Count != classes)
            throw new BalmsException(
                $"cannot plot the sampling distribution for {pngPath}: {classes} class counts, {learned.Count} learned probabilities and {classNames.Count} class names; expected one of each per class");
        double total = classCounts.Sum();
        if (total <= 0 || classCounts.Any(n => n < 0))
            throw new BalmsException($"cannot plot the sampling distribution for {pngPath}: class counts must be non-negative and not all zero");

        var plot = Figure.Create("Meta Sampler class distribution", "class", "sampling probability");
        double[] xs = Enumerable.Range(0, classes).Select(c => (double)c).ToArray();

        var instanceBalanced = plot.Add.ScatterLine(xs, classCounts.Select(n => n / total).ToArray(), Figure.SeriesColor(1));
        instanceBalanced.LegendText = "instance-balanced (n_c / N)";
        instanceBalanced.LinePattern = LinePattern.Dashed;

        var classBalanced = plot.Add.HorizontalLine(1.0 / classes, width: 1.5f, Figure.SeriesColor(2), LinePattern.Dotted);
        classBalanced.LegendText = "class-balanced (1 / C)";

        var meta = plot.Add.Scatter(xs, learned.ToArray(), Figure.SeriesColor(0));
        meta.LegendText = "learned by the Meta Sampler";
        meta.LineWidth = 2;
        meta.MarkerSize = classes <= 20 ? 5 : 0;

        Figure.ClassTicks(plot, plot.Axes.Bottom, classNames, c => c);
        plot.Axes.SetLimitsX(-0.5, classes - 0.5);
        plot.Axes.SetLimitsY(0, Math.Max(learned.Max(), classCounts.Max() / total) * 1.08);
        plot.ShowLegend(Alignment.UpperRight);
        Figure.SavePng(plot, pngPath);
    }
}
