using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;
using SkiaSharp;

namespace Balms.Reporting;

/// <summary>What the report's figures share: size, font, palette, tick helpers and saving a PNG.</summary>
internal static class Figure
{
    public const int Width = 900;
    public const int Height = 540;

    // SkiaSharp's dependency-free Linux build finds fonts by scanning /usr/share/fonts; ScottPlot would otherwise pick
    // whichever family it sees first (often a serif).
    private static readonly string[] PreferredFonts = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica"];

    private static readonly MarkerShape[] Markers =
        [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.FilledTriangleDown];

    /// <summary>False on a machine without any font file: the figures would carry no text at all.</summary>
    public static bool HasFonts => InstalledFontFamilies().Any();

    public const string MissingFontsAdvice =
        "no fonts found (SkiaSharp looks under /usr/share/fonts), so the figures have no text; install a font package, e.g. Debian's fonts-dejavu-core";

    public static Plot Create(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        var installed = InstalledFontFamilies().ToHashSet();
        if (PreferredFonts.FirstOrDefault(installed.Contains) is { } font) plot.Font.Set(font);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }

    public static Color SeriesColor(int index) => new ScottPlot.Palettes.Category10().GetColor(index);

    /// <summary>A marker shape per series as well as a colour, so that series stay apart in grey print.</summary>
    public static MarkerShape SeriesMarker(int index) => Markers[index % Markers.Length];

    /// <summary>Ticks for an axis whose coordinates are log10 of the values shown: labels at powers of ten.</summary>
    public static ITickGenerator Log10Ticks() => new NumericAutomatic
    {
        IntegerTicksOnly = true,
        LabelFormatter = exponent => Math.Pow(10, exponent).ToString("N0", CultureInfo.InvariantCulture),
        MinorTickGenerator = new LogMinorTickGenerator(),
    };

    /// <summary>
    /// Class ticks at the given coordinates: every class by name when there are few (slanted on a horizontal axis so
    /// that long names fit), else every k-th class index so that the labels do not overlap.
    /// </summary>
    public static void ClassTicks(Plot plot, IAxis axis, IReadOnlyList<string> classNames, Func<int, double> coordinate)
    {
        const int MaxNamedClasses = 20, MaxIndexTicks = 10;
        int count = classNames.Count;
        bool named = count <= MaxNamedClasses;
        int step = named ? 1 : (int)Math.Ceiling(count / (double)MaxIndexTicks);
        int[] classes = Enumerable.Range(0, count).Where(c => c % step == 0).ToArray();
        string[] labels = classes.Select(c => named ? classNames[c] : c.ToString(CultureInfo.InvariantCulture)).ToArray();
        axis.SetTicks(classes.Select(c => coordinate(c)).ToArray(), labels);
        if (named && axis.Edge == Edge.Bottom) Slant(plot, axis, labels);
    }

    private static void Slant(Plot plot, IAxis axis, string[] labels)
    {
        const float Degrees = 45, AxisLabelRoom = 40;
        var style = axis.TickLabelStyle;
        style.Rotation = Degrees;
        style.Alignment = Alignment.MiddleLeft;
        style.OffsetY = 6; // clear of the tick marks
        using var paint = Paint.NewDisposablePaint();
        float widest = labels.Max(label => style.Measure(label, paint).Width);
        float slantedExtent = widest * MathF.Sin(Degrees * MathF.PI / 180);
        // The panel must hold the slanted labels plus the axis title beneath them, and the last label runs right.
        axis.MinimumSize = slantedExtent + AxisLabelRoom;
        plot.Axes.Right.MinimumSize = Math.Max(plot.Axes.Right.MinimumSize, slantedExtent);
    }

    public static void SavePng(Plot plot, string path, int width = Width, int height = Height)
    {
        try
        {
            string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is not null) Directory.CreateDirectory(directory);
            plot.SavePng(path, width, height);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WriteException($"cannot write the figure {path}: {e.Message}", e);
        }
        finally
        {
            plot.Dispose();
        }
    }

    private static IEnumerable<string> InstalledFontFamilies() =>
        SKFontManager.Default.FontFamilies.Where(family => !string.IsNullOrEmpty(family));
}
