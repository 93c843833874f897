using Balms.Data;
using SkiaSharp;

namespace Balms.Tests.Data.Images;

/// <summary>Writes test images as real PNG / JPEG files with SkiaSharp's encoders.</summary>
internal static class ImageFiles
{
    /// <summary>
    /// Encodes <paramref name="image"/>: 1 channel as a grey image, 3 as opaque RGB, 4 as RGBA with straight
    /// (unpremultiplied) alpha. JPEG has no alpha, so 4-channel images are PNG only.
    /// </summary>
    public static void Write(string path, RawImage image, SKEncodedImageFormat format, int quality = 95)
    {
        var (colorType, alphaType, pixels) = image.Channels switch
        {
            1 => (SKColorType.Gray8, SKAlphaType.Opaque, image.Pixels),
            3 => (SKColorType.Rgba8888, SKAlphaType.Opaque, WithOpaqueAlpha(image)),
            4 => (SKColorType.Rgba8888, SKAlphaType.Unpremul, image.Pixels),
            _ => throw new ArgumentException($"{image.Channels} channels", nameof(image)),
        };
        using var skImage = SKImage.FromPixelCopy(new SKImageInfo(image.Width, image.Height, colorType, alphaType), pixels);
        using var encoded = skImage.Encode(format, quality)
            ?? throw new InvalidOperationException($"SkiaSharp cannot encode {format}");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, encoded.ToArray());
    }

    public static void WritePng(string path, RawImage image) => Write(path, image, SKEncodedImageFormat.Png);

    public static void WriteJpeg(string path, RawImage image, int quality = 95) =>
        Write(path, image, SKEncodedImageFormat.Jpeg, quality);

    /// <summary>An image whose every pixel has its own value in every channel: v = (7y + 3x + 50c) mod 256.</summary>
    public static RawImage Gradient(int height, int width, int channels)
    {
        var pixels = new byte[height * width * channels];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                    pixels[(y * width + x) * channels + c] = (byte)((7 * y + 3 * x + 50 * c) % 256);
        return new RawImage(pixels, height, width, channels);
    }

    public static RawImage Flat(int height, int width, params byte[] colour)
    {
        var pixels = new byte[height * width * colour.Length];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = colour[i % colour.Length];
        return new RawImage(pixels, height, width, colour.Length);
    }

    private static byte[] WithOpaqueAlpha(RawImage rgb)
    {
        var rgba = new byte[rgb.Height * rgb.Width * 4];
        for (int pixel = 0; pixel < rgb.Height * rgb.Width; pixel++)
        {
            Array.Copy(rgb.Pixels, pixel * 3, rgba, pixel * 4, 3);
            rgba[pixel * 4 + 3] = 255;
        }
        return rgba;
    }
}
