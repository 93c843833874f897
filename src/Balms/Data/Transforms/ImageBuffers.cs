using System.Buffers;

namespace Balms.Data.Transforms;

/// <summary>
/// Pixel arrays for the intermediate images of one transform call. They are rented from the shared pool (a training
/// run transforms millions of images, and ImageNet-sized intermediates would otherwise land on the large-object heap)
/// and all returned when the call ends. A rented array can be longer than the image it holds, so code reads images
/// through <see cref="RawImagePixels.PixelSpan"/>. Each call owns its own instance; it is not thread-safe.
/// </summary>
internal sealed class ImageBuffers : IDisposable
{
    private readonly List<byte[]> rented = new(4);

    /// <summary>An image of the given shape whose pixels are undefined: the caller must write every one.</summary>
    public RawImage Rent(int height, int width, int channels)
    {
        byte[] pixels = ArrayPool<byte>.Shared.Rent(height * width * channels);
        rented.Add(pixels);
        return new RawImage(pixels, height, width, channels);
    }

    public RawImage RentLike(RawImage image) => Rent(image.Height, image.Width, image.Channels);

    public void Dispose()
    {
        foreach (byte[] pixels in rented) ArrayPool<byte>.Shared.Return(pixels);
        rented.Clear();
    }
}

internal static class RawImagePixels
{
    /// <summary>The pixels that belong to the image, without any unused tail of a pooled array.</summary>
    public static Span<byte> PixelSpan(this RawImage image) =>
        image.Pixels.AsSpan(0, image.Height * image.Width * image.Channels);
}
