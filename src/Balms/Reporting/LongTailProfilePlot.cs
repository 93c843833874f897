using System.Globalization;
using ScottPlot;

namespace Balms.Reporting;

/// <summary>
/// The long-tail profile of a training set: images per class, classes sorted from the most to the fewest images, on
/// a log axis (a straight line is an exponential profile, as in CIFAR-LT).
/// </summary>
public static class LongTailProfilePlot
{
    /// <exception cref="BalmsException">There are no classes, the names do not match the counts, or the file cannot be written.</exception>
    public static void Write(string pngPath, IReadOnlyList<long> classCounts, IReadOnlyList<string> classNames, string datasetName)
    {
        if (classCounts.Count == 0 || classNames.Count != classCounts.Count)
            throw new BalmsException($"cannot plot the long-tail profile for {pngPath}: {classCounts.Count} class counts and {classNames.Count} class names; expected one of each per class");
        int[] order = Enumerable.Range(0, classCounts.Count).OrderByDescending(c => classCounts[c]).ThenBy(c => c).ToArray();
        long most = classCounts[order[0]], fewest = classCounts[order[^1]];
        string factor = fewest > 0 ? (most / (double)fewest).ToString("G3", CultureInfo.InvariantCulture) : "∞";
        var plot = Figure.Create($"{datasetName}: imbalance factor {factor}", "classes, most images first",
            "training images (log scale)");

        // Bars rise from 1 image (log 0); a class without images has no bar.
        var bars = order.Select((c, rank) => new Bar
        {
            Position = rank,
            Value = classCounts[c] > 0 ? Math.Log10(classCounts[c]) : 0,
            FillColor = Figure.SeriesColor(0),
            LineWidth = 0,
            Size = 0.9,
        }).ToList();
        plot.Add.Bars(bars);
        plot.Axes.Left.TickGenerator = Figure.Log10Ticks();
        Figure.ClassTicks(plot, plot.Axes.Bottom, order.Select(c => classNames[c]).ToArray(), rank => rank);
        plot.Axes.SetLimitsX(-0.6, order.Length - 0.4);
        plot.Axes.SetLimitsY(0, Math.Max(Math.Log10(Math.Max(most, 1)) * 1.08, 1));
        Figure.SavePng(plot, pngPath);
    }
}
