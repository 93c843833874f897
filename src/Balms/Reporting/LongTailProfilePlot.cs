using System.Globalization;
using ScottPlot;

namespace Balms.Reporting;

/// <summary>
/// The long-tail profile of a training set: images per class, classes sorted from the most to the fewest images, on
/// a log axis (a straight line is an exponential profile, as in CIFAR-LT).
/// </summary>
public static class LongTailProfilePlot
{
    private static readonly double BarBase = Math.Log10(0.5);

    /// <exception cref="BalmsException">There are no classes, the names do not match the counts, or the file cannot be written.</exception>
    public static void Write(string pngPath, IReadOnlyList<long> classCounts, IReadOnlyList<string> classNames)
    {
        if (classCounts.Count == 0 || classNames.Count != classCounts.Count)
            throw new BalmsException($"cannot plot the long-tail profile for {pngPath}: {classCounts.Count} class counts and {classNames.Count} class names; expected one of each per class");
        int[] order = Enumerable.Range(0, classCounts.Count).OrderByDescending(c => classCounts[c]).ThenBy(c => c).ToArray();
        long most = classCounts[order[0]], fewest = classCounts[order[^1]];
        string factor = fewest > 0 ? (most / (double)fewest).ToString("G3", CultureInfo.InvariantCulture) : "∞";
        long total = classCounts.Sum();
        var plot = Figure.Create($"Long-tail profile: {total:N0} training images, {classCounts.Count} classes, imbalance factor {factor}",
            "classes, most images first", "training images (log scale)");

        // Bars rise from half an image, so that a class of one image still shows; a class without images has no bar.
        var bars = order.Select((c, rank) => new Bar
        {
            Position = rank,
            ValueBase = BarBase,
            Value = classCounts[c] > 0 ? Math.Log10(classCounts[c]) : BarBase,
            FillColor = Figure.SeriesColor(0),
            LineWidth = 0,
            Size = 0.9,
        }).ToList();
        plot.Add.Bars(bars);
        plot.Axes.Left.TickGenerator = Figure.Log10Ticks();
        Figure.ClassTicks(plot, plot.Axes.Bottom, order.Select(c => classNames[c]).ToArray(), rank => rank);
        plot.Axes.SetLimitsX(-0.6, order.Length - 0.4);
        plot.Axes.SetLimitsY(BarBase, Math.Max(Math.Log10(Math.Max(most, 1)) * 1.08, 1));
        Figure.SavePng(plot, pngPath);
    }
}
