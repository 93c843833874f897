namespace Balms.Data.Transforms;

/// <summary>The four PIL ImageEnhance operations; each blends the image with its own "degenerate" version.</summary>
internal enum Enhancement
{
    /// <summary>Degenerate: black.</summary>
    Brightness,
    /// <summary>Degenerate: uniform grey at the rounded mean of the greyscale image.</summary>
    Contrast,
    /// <summary>Degenerate: the greyscale image (saturation).</summary>
    Color,
    /// <summary>Degenerate: the image smoothed with PIL's SMOOTH kernel, border pixels unchanged.</summary>
    Sharpness,
}

/// <summary>
/// PIL ImageEnhance: enhance(f) = Image.blend(degenerate, image, f). Blend follows PIL's C code: with a float32 factor
/// f, out = degenerate + f * (image - degenerate) in float32, clipped to [0, 255] and truncated (not rounded). So
/// f = 1 returns the image, f = 0 the degenerate, and f &gt; 1 extrapolates away from it.
/// </summary>
internal static class PilEnhance
{
    public static RawImage Enhance(RawImage image, Enhancement enhancement, double factor, ImageBuffers buffers)
    {
        float blendFactor = (float)factor;
        RawImage result = buffers.RentLike(image);
        Span<byte> output = result.PixelSpan();
        switch (enhancement)
        {
            case Enhancement.Brightness: BlendWithGrey(image, 0, blendFactor, output); break;
            case Enhancement.Contrast: BlendWithGrey(image, MeanLuminance(image), blendFactor, output); break;
            case Enhancement.Color:
                WriteGreyscale(image, output);
                BlendInto(output, image.PixelSpan(), blendFactor);
                break;
            case Enhancement.Sharpness:
                WriteSmoothed(image, output);
                BlendInto(output, image.PixelSpan(), blendFactor);
                break;
            default: throw new ArgumentOutOfRangeException(nameof(enhancement), enhancement, null);
        }
        return result;
    }

    /// <summary>PIL's RGB to L conversion: (19595 R + 38470 G + 7471 B + 2^15) >> 16, i.e. ITU-R 601 luma rounded.</summary>
    internal static byte Luminance(byte red, byte green, byte blue) =>
        (byte)((red * 19595 + green * 38470 + blue * 7471 + 0x8000) >> 16);

    private static byte Blend(byte degenerate, byte image, float factor)
    {
        float blended = degenerate + factor * (image - degenerate);
        return blended <= 0f ? (byte)0 : blended >= 255f ? (byte)255 : (byte)blended;
    }

    /// <summary>Replaces each element of <paramref name="degenerate"/> with the blend, in place.</summary>
    private static void BlendInto(Span<byte> degenerate, ReadOnlySpan<byte> image, float factor)
    {
        for (int i = 0; i < degenerate.Length; i++) degenerate[i] = Blend(degenerate[i], image[i], factor);
    }

    /// <summary>Blend with a uniform degenerate, through a table since the result depends on the pixel value only.</summary>
    private static void BlendWithGrey(RawImage image, byte grey, float factor, Span<byte> output)
    {
        Span<byte> table = stackalloc byte[256];
        for (int v = 0; v < 256; v++) table[v] = Blend(grey, (byte)v, factor);
        ReadOnlySpan<byte> input = image.PixelSpan();
        for (int i = 0; i < input.Length; i++) output[i] = table[input[i]];
    }

    /// <summary>ImageEnhance.Contrast's grey level: int(mean of the L image + 0.5).</summary>
    private static byte MeanLuminance(RawImage image)
    {
        ReadOnlySpan<byte> pixels = image.PixelSpan();
        int channels = image.Channels;
        long sum = 0;
        for (int i = 0; i < pixels.Length; i += channels) sum += LuminanceAt(pixels, i, channels);
        double mean = (double)sum / (image.Height * (long)image.Width);
        return (byte)(int)(mean + 0.5);
    }

    /// <summary>The image converted to L and back (each channel set to the pixel's luminance).</summary>
    private static void WriteGreyscale(RawImage image, Span<byte> output)
    {
        ReadOnlySpan<byte> pixels = image.PixelSpan();
        int channels = image.Channels;
        for (int i = 0; i < pixels.Length; i += channels)
            output.Slice(i, channels).Fill(LuminanceAt(pixels, i, channels));
    }

    private static byte LuminanceAt(ReadOnlySpan<byte> pixels, int index, int channels) => channels switch
    {
        1 => pixels[index],
        3 => Luminance(pixels[index], pixels[index + 1], pixels[index + 2]),
        _ => throw new ArgumentException($"greyscale needs a 1- or 3-channel image, got {channels} channels"),
    };

    /// <summary>
    /// PIL's 3x3 SMOOTH filter ([[1,1,1],[1,5,1],[1,1,1]] / 13) as ImagingFilter3x3 computes it: float32 weights
    /// 1/13 and 5/13, summed row y+1, then y, then y-1 onto 0.5 (for rounding), then clipped and truncated. The outer
    /// rows and columns are copied unchanged.
    /// </summary>
    private static void WriteSmoothed(RawImage image, Span<byte> output)
    {
        ReadOnlySpan<byte> input = image.PixelSpan();
        input.CopyTo(output);
        int channels = image.Channels, stride = image.Width * channels;
        const float side = 1f / 13f, centre = 5f / 13f;
        for (int y = 1; y < image.Height - 1; y++)
        for (int x = 1; x < image.Width - 1; x++)
        for (int c = 0; c < channels; c++)
        {
            int at = y * stride + x * channels + c, below = at + stride, above = at - stride;
            float sum = 0.5f;
            sum += input[below - channels] * side + input[below] * side + input[below + channels] * side;
            sum += input[at - channels] * side + input[at] * centre + input[at + channels] * side;
            sum += input[above - channels] * side + input[above] * side + input[above + channels] * side;
            output[at] = sum <= 0f ? (byte)0 : sum >= 255f ? (byte)255 : (byte)sum;
        }
    }
}
