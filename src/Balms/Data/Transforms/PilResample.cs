using System.Buffers;

namespace Balms.Data.Transforms;

/// <summary>
/// PIL Image.resize(size, BILINEAR) of a rectangular region, i.e. torchvision's crop followed by resize. PIL's
/// resampler is separable: a triangle filter whose support widens with the reduction factor (so shrinking averages
/// every covered pixel instead of skipping pixels), weights normalised per output pixel and stored as 22-bit fixed
/// point; first a horizontal pass over the rows the vertical pass will read, then a vertical pass, each rounded to bytes.
/// </summary>
internal static class PilResample
{
    private const int PrecisionBits = 32 - 8 - 2, Rounding = 1 << (PrecisionBits - 1);

    public static RawImage Bilinear(
        RawImage image, int top, int left, int height, int width, int outputHeight, int outputWidth,
        ImageBuffers buffers)
    {
        bool resizeRows = outputHeight != height, resizeColumns = outputWidth != width;
        if (!resizeRows && !resizeColumns) return ImageWindow.Copy(image, top, left, height, width, buffers);
        var rowWeights = FilterWeights.Bilinear(height, outputHeight);
        if (!resizeColumns) return ResampleColumns(image, top, left, width, rowWeights, buffers);

        var columnWeights = FilterWeights.Bilinear(width, outputWidth);
        int firstRow = rowWeights.Start[0], endRow = rowWeights.Start[^1] + rowWeights.Count[^1];
        RawImage rows = ResampleRows(image, top + firstRow, left, endRow - firstRow, columnWeights, buffers);
        return resizeRows ? ResampleColumns(rows, -firstRow, 0, outputWidth, rowWeights, buffers) : rows;
    }

    /// <summary>Horizontal pass: resizes each of <paramref name="height"/> rows starting at (top, left).</summary>
    private static RawImage ResampleRows(
        RawImage source, int top, int left, int height, FilterWeights weights, ImageBuffers buffers)
    {
        int channels = source.Channels;
        RawImage result = buffers.Rent(height, weights.OutputSize, channels);
        ReadOnlySpan<byte> input = source.PixelSpan();
        Span<byte> output = result.PixelSpan();
        for (int y = 0; y < height; y++)
        {
            int rowStart = ((top + y) * source.Width + left) * channels;
            for (int x = 0; x < weights.OutputSize; x++)
            {
                ReadOnlySpan<int> taps = weights.Taps(x);
                ReadOnlySpan<byte> window = input.Slice(rowStart + weights.Start[x] * channels, taps.Length * channels);
                Span<byte> pixel = output.Slice((y * weights.OutputSize + x) * channels, channels);
                for (int c = 0; c < pixel.Length; c++)
                {
                    int sum = Rounding;
                    for (int k = 0, at = c; k < taps.Length; k++, at += channels) sum += window[at] * taps[k];
                    pixel[c] = ToByte(sum);
                }
            }
        }
        return result;
    }

    /// <summary>
    /// Vertical pass: resizes the columns of the <paramref name="width"/>-pixel-wide band starting at (top, left),
    /// where top may be negative as long as the weights only read rows of <paramref name="source"/>. Whole rows are
    /// accumulated at once, which keeps memory access sequential.
    /// </summary>
    private static RawImage ResampleColumns(
        RawImage source, int top, int left, int width, FilterWeights weights, ImageBuffers buffers)
    {
        int channels = source.Channels, rowLength = width * channels;
        RawImage result = buffers.Rent(weights.OutputSize, width, channels);
        ReadOnlySpan<byte> input = source.PixelSpan();
        Span<byte> output = result.PixelSpan();
        int[] sums = ArrayPool<int>.Shared.Rent(rowLength);
        try
        {
            for (int y = 0; y < weights.OutputSize; y++)
            {
                Span<int> row = sums.AsSpan(0, rowLength);
                row.Fill(Rounding);
                ReadOnlySpan<int> taps = weights.Taps(y);
                for (int k = 0; k < taps.Length; k++)
                {
                    int weight = taps[k];
                    var sourceRow = input.Slice(((top + weights.Start[y] + k) * source.Width + left) * channels, rowLength);
                    for (int i = 0; i < rowLength; i++) row[i] += sourceRow[i] * weight;
                }
                Span<byte> outputRow = output.Slice(y * rowLength, rowLength);
                for (int i = 0; i < rowLength; i++) outputRow[i] = ToByte(row[i]);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(sums);
        }
        return result;
    }

    private static byte ToByte(int sum) => (byte)Math.Clamp(sum >> PrecisionBits, 0, 255);

    /// <summary>Per output pixel: the first input pixel, how many are read, and their fixed-point weights.</summary>
    private sealed class FilterWeights
    {
        private readonly int[] weights;
        private readonly int maxTaps;

        private FilterWeights(int outputSize, int maxTaps)
        {
            OutputSize = outputSize;
            this.maxTaps = maxTaps;
            Start = new int[outputSize];
            Count = new int[outputSize];
            weights = new int[outputSize * maxTaps];
        }

        public int OutputSize { get; }
        public int[] Start { get; }
        public int[] Count { get; }

        public ReadOnlySpan<int> Taps(int output) => weights.AsSpan(output * maxTaps, Count[output]);

        /// <summary>PIL's precompute_coeffs for the triangle filter (support 1) and its 8-bit normalisation.</summary>
        public static FilterWeights Bilinear(int inputSize, int outputSize)
        {
            double scale = (double)inputSize / outputSize, filterScale = Math.Max(scale, 1.0);
            double support = 1.0 * filterScale, inverseFilterScale = 1.0 / filterScale;
            var result = new FilterWeights(outputSize, (int)Math.Ceiling(support) * 2 + 1);
            Span<double> exact = stackalloc double[result.maxTaps];
            for (int i = 0; i < outputSize; i++)
            {
                double centre = (i + 0.5) * scale;
                int start = Math.Max((int)(centre - support + 0.5), 0);
                int count = Math.Min((int)(centre + support + 0.5), inputSize) - start;
                double total = 0;
                for (int k = 0; k < count; k++)
                {
                    exact[k] = Triangle((k + start - centre + 0.5) * inverseFilterScale);
                    total += exact[k];
                }
                for (int k = 0; k < count; k++)
                {
                    double weight = total != 0 ? exact[k] / total : exact[k];
                    result.weights[i * result.maxTaps + k] =
                        (int)(weight < 0 ? -0.5 + weight * (1 << PrecisionBits) : 0.5 + weight * (1 << PrecisionBits));
                }
                result.Start[i] = start;
                result.Count[i] = count;
            }
            return result;
        }

        private static double Triangle(double x) => Math.Abs(x) < 1.0 ? 1.0 - Math.Abs(x) : 0.0;
    }
}
