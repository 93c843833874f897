using Balms.Data;
using Balms.Data.Transforms;

namespace Balms.Tests.Data.Transforms;

/// <summary>Tiny images for transform tests, written out pixel by pixel.</summary>
internal static class TestImages
{
    public static RawImage Grey(int height, int width, params byte[] pixels)
    {
        Assert.Equal(height * width, pixels.Length);
        return new RawImage(pixels, height, width, 1);
    }

    public static RawImage Rgb(int height, int width, params byte[] pixels)
    {
        Assert.Equal(height * width * 3, pixels.Length);
        return new RawImage(pixels, height, width, 3);
    }

    public static RawImage Filled(int height, int width, int channels, byte value) =>
        new(Enumerable.Repeat(value, height * width * channels).ToArray(), height, width, channels);

    public static RawImage Noise(int height, int width, int channels, int seed)
    {
        var pixels = new byte[height * width * channels];
        new Random(seed).NextBytes(pixels);
        return new RawImage(pixels, height, width, channels);
    }

    /// <summary>Runs an image operation with its own buffers and returns a copy of the result's pixels.</summary>
    public static byte[] Run(Func<ImageBuffers, RawImage> operation)
    {
        using var buffers = new ImageBuffers();
        return operation(buffers).PixelSpan().ToArray();
    }

    public static float[] Transform(IImageTransform transform, RawImage image, int seed)
    {
        var sample = new float[transform.OutputShape.Length];
        transform.Apply(image, new Random(seed), sample);
        return sample;
    }
}
