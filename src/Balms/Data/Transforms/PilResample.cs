namespace Balms.Data.Transforms;

/// <summary>
/// PIL Image.resize(size, BILINEAR) of a rectangular region, i.e. torchvision's crop followed by resize. PIL's
/// resampler is separable: a triangle filter whose support widens with the reduction factor (so shrinking averages
/// every covered pixel instead of skipping pixels), weights normalised per output pixel and stored as 22-bit fixed
/// point; first a horizontal pass over the rows the vertical pass will read, then a vertical pass, each rounded to bytes.
/// </summary>
internal static class PilResample
{
    private const int PrecisionBits = 32 - 8 - 2;

    public static RawImage Bilinear(
        RawImage image, int top, int left, int height, int width, int outputHeight, int outputWidth,
        ImageBuffers buffers)
    {
        bool resizeRows = outputHeight != height, resizeColumns = outputWidth != width;
        if (!resizeRows && !resizeColumns) return ImageWindow.Copy(image, top, left, height, width, buffers);
        var rowWeights = FilterWeights.Bilinear(height, outputHeight);
        if (!resizeColumns) return Convolve(image, top, left, height, width, rowWeights, horizontal: false, buffers);

        var columnWeights = FilterWeights.Bilinear(width, outputWidth);
        int firstRow = rowWeights.Start[0], endRow = rowWeights.Start[^1] + rowWeights.Count[^1];
        RawImage rows = Convolve(image, top + firstRow, left, endRow - firstRow, width, columnWeights, true, buffers);
        return resizeRows
            ? Convolve(rows, -firstRow, 0, height, outputWidth, rowWeights, horizontal: false, buffers)
            : rows;
    }

    /// <summary>
    /// Resamples one axis of the region (top, left, height, width) of <paramref name="source"/>; the region's row
    /// index may start before the source's first row as long as the weights only read rows inside it.
    /// </summary>
    private static RawImage Convolve(
        RawImage source, int top, int left, int height, int width, FilterWeights weights, bool horizontal,
        ImageBuffers buffers)
    {
        int channels = source.Channels, rowStride = source.Width * channels;
        int along = horizontal ? channels : rowStride, across = horizontal ? rowStride : channels;
        int outputAcross = horizontal ? height : width;
        RawImage result = horizontal
            ? buffers.Rent(height, weights.OutputSize, channels)
            : buffers.Rent(weights.OutputSize, width, channels);
        ReadOnlySpan<byte> input = source.PixelSpan();
        Span<byte> output = result.PixelSpan();
        int origin = (top * source.Width + left) * channels;
        for (int a = 0; a < outputAcross; a++)
        for (int i = 0; i < weights.OutputSize; i++)
        {
            ReadOnlySpan<int> taps = weights.Taps(i);
            int first = origin + a * across + weights.Start[i] * along;
            int target = (horizontal ? a * weights.OutputSize + i : i * width + a) * channels;
            for (int c = 0; c < channels; c++)
            {
                int sum = 1 << (PrecisionBits - 1);
                for (int k = 0; k < taps.Length; k++) sum += input[first + k * along + c] * taps[k];
                output[target + c] = (byte)Math.Clamp(sum >> PrecisionBits, 0, 255);
            }
        }
        return result;
    }

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
