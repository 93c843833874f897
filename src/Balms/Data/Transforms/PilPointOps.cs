namespace Balms.Data.Transforms;

/// <summary>
/// PIL ImageOps point operations (invert, posterize, solarize, autocontrast, equalize) with PIL's integer rules. Each
/// builds a 256-entry look-up table per channel and maps every byte through it, as PIL does.
/// </summary>
internal static class PilPointOps
{
    private const int Levels = 256;

    public static RawImage Invert(RawImage image, ImageBuffers buffers)
    {
        Span<byte> table = stackalloc byte[Levels];
        for (int v = 0; v < Levels; v++) table[v] = (byte)(255 - v);
        return MapEveryChannel(image, table, buffers);
    }

    /// <summary>Keeps the top <paramref name="bits"/> bits of every value (1..8).</summary>
    public static RawImage Posterize(RawImage image, int bits, ImageBuffers buffers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 8);
        int keep = ~((1 << (8 - bits)) - 1);
        Span<byte> table = stackalloc byte[Levels];
        for (int v = 0; v < Levels; v++) table[v] = (byte)(v & keep);
        return MapEveryChannel(image, table, buffers);
    }

    /// <summary>Inverts every value at or above <paramref name="threshold"/> (compared as a real number).</summary>
    public static RawImage Solarize(RawImage image, double threshold, ImageBuffers buffers)
    {
        Span<byte> table = stackalloc byte[Levels];
        for (int v = 0; v < Levels; v++) table[v] = (byte)(v < threshold ? v : 255 - v);
        return MapEveryChannel(image, table, buffers);
    }

    /// <summary>
    /// ImageOps.autocontrast with cutoff 0: per channel, stretches [lo, hi] to [0, 255] with
    /// lut[v] = clamp(int(v * scale + offset)), scale = 255 / (hi - lo), offset = -lo * scale (double, truncated);
    /// a channel with a single value is left unchanged.
    /// </summary>
    public static RawImage AutoContrast(RawImage image, ImageBuffers buffers) =>
        MapThroughHistogramTables(image, AutoContrastTable, buffers);

    /// <summary>
    /// ImageOps.equalize, per channel: step = (pixel count - count of the largest value present) / 255 (integer
    /// division); lut[v] = (step / 2 + number of pixels below v) / step, capped at 255 as PIL's table loader does;
    /// the channel is left unchanged when step is 0.
    /// </summary>
    public static RawImage Equalize(RawImage image, ImageBuffers buffers) =>
        MapThroughHistogramTables(image, EqualizeTable, buffers);

    private static void AutoContrastTable(ReadOnlySpan<int> histogram, Span<byte> table)
    {
        int lowest = histogram.IndexOfAnyExcept(0), highest = histogram.LastIndexOfAnyExcept(0);
        if (highest <= lowest)
        {
            FillIdentity(table);
            return;
        }
        double scale = 255.0 / (highest - lowest), offset = -lowest * scale;
        for (int v = 0; v < Levels; v++) table[v] = (byte)Math.Clamp((int)(v * scale + offset), 0, 255);
    }

    private static void EqualizeTable(ReadOnlySpan<int> histogram, Span<byte> table)
    {
        long total = 0;
        foreach (int count in histogram) total += count;
        long step = (total - histogram[histogram.LastIndexOfAnyExcept(0)]) / 255;
        if (step == 0)
        {
            FillIdentity(table);
            return;
        }
        long below = step / 2;
        for (int v = 0; v < Levels; v++)
        {
            table[v] = (byte)Math.Min(below / step, 255);
            below += histogram[v];
        }
    }

    private delegate void TableFromHistogram(ReadOnlySpan<int> histogram, Span<byte> table);

    /// <summary>Counts each channel's values, builds that channel's table from its counts and maps it through.</summary>
    private static RawImage MapThroughHistogramTables(RawImage image, TableFromHistogram buildTable, ImageBuffers buffers)
    {
        int channels = image.Channels;
        Span<int> histograms = stackalloc int[Levels * channels];
        ReadOnlySpan<byte> pixels = image.PixelSpan();
        for (int i = 0; i < pixels.Length; i++) histograms[i % channels * Levels + pixels[i]]++;
        Span<byte> tables = stackalloc byte[Levels * channels];
        for (int c = 0; c < channels; c++)
            buildTable(histograms.Slice(c * Levels, Levels), tables.Slice(c * Levels, Levels));
        return MapPerChannel(image, tables, buffers);
    }

    private static void FillIdentity(Span<byte> table)
    {
        for (int v = 0; v < Levels; v++) table[v] = (byte)v;
    }

    private static RawImage MapEveryChannel(RawImage image, ReadOnlySpan<byte> table, ImageBuffers buffers)
    {
        RawImage mapped = buffers.RentLike(image);
        ReadOnlySpan<byte> input = image.PixelSpan();
        Span<byte> output = mapped.PixelSpan();
        for (int i = 0; i < input.Length; i++) output[i] = table[input[i]];
        return mapped;
    }

    private static RawImage MapPerChannel(RawImage image, ReadOnlySpan<byte> tables, ImageBuffers buffers)
    {
        RawImage mapped = buffers.RentLike(image);
        ReadOnlySpan<byte> input = image.PixelSpan();
        Span<byte> output = mapped.PixelSpan();
        int channels = image.Channels;
        for (int i = 0; i < input.Length; i++) output[i] = tables[i % channels * Levels + input[i]];
        return mapped;
    }
}
