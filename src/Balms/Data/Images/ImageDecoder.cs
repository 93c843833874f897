using SkiaSharp;

namespace Balms.Data.Images;

/// <summary>
/// Decodes image files (JPEG, PNG, and the other formats SkiaSharp reads: GIF, BMP, WebP, ICO, ...) into 8-bit RGB,
/// the way the original opens them with PIL and <c>.convert('RGB')</c>: grey is copied into all three channels, CMYK is
/// converted to RGB, an alpha channel is dropped (not blended onto a background), and no colour profile is applied.
/// Stateless and therefore safe to call from several threads at once.
/// </summary>
public static class ImageDecoder
{
    private const int RgbaChannels = 4, RgbChannels = 3;

    /// <summary>Reads and decodes the image file at <paramref name="path"/>.</summary>
    /// <exception cref="DataException">The file is missing, unreadable, not an image, truncated or corrupt.</exception>
    public static RawImage ReadRgb(string path) => DecodeRgb(ReadFile(path, File.ReadAllBytes), path);

    /// <summary>
    /// Opens the image file at <paramref name="path"/> and decodes its header only: a fraction of the cost of
    /// <see cref="ReadRgb"/> that finds a missing file, an empty one or one that is no image. Damage past the header
    /// (a truncated file) is found only when the image is decoded.
    /// </summary>
    /// <exception cref="DataException">The file is missing, unreadable or not an image, as <see cref="ReadRgb"/> says.</exception>
    public static void CheckHeader(string path)
    {
        using var file = ReadFile(path, File.OpenRead);
        using var codec = SKCodec.Create(file) ?? throw NotAnImage(path);
    }

    private static T ReadFile<T>(string path, Func<string, T> read)
    {
        try
        {
            return read(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataException($"{path}: image file not found", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{path}: cannot read image file ({e.Message})", e);
        }
    }

    private static DataException NotAnImage(string source) =>
        new($"{source}: not a readable image (corrupt, empty, or a format SkiaSharp does not decode)");

    /// <summary>Decodes an encoded image held in memory; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="DataException">The bytes are not an image SkiaSharp reads, or the image is truncated or corrupt.</exception>
    public static RawImage DecodeRgb(byte[] encoded, string source)
    {
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data) ?? throw NotAnImage(source);
        int width = codec.Info.Width, height = codec.Info.Height;
        // Unpremultiplied RGBA keeps the colour of translucent pixels intact, so dropping alpha gives PIL's RGB values.
        // No colour space on the target: Skia then leaves the encoded values untransformed, as PIL does.
        var target = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[target.BytesSize];
        var result = codec.GetPixels(target, rgba);
        if (result != SKCodecResult.Success)
            throw new DataException($"{source}: corrupt image ({Explain(result)})");
        return new RawImage(DropAlpha(rgba, height * width), height, width, RgbChannels);
    }

    private static byte[] DropAlpha(byte[] rgba, int pixelCount)
    {
        var rgb = new byte[pixelCount * RgbChannels];
        for (int pixel = 0; pixel < pixelCount; pixel++)
        {
            int from = pixel * RgbaChannels, to = pixel * RgbChannels;
            rgb[to] = rgba[from];
            rgb[to + 1] = rgba[from + 1];
            rgb[to + 2] = rgba[from + 2];
        }
        return rgb;
    }

    private static string Explain(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput or SKCodecResult.ErrorInInput => "the file is truncated or its data is damaged",
        SKCodecResult.InvalidInput => "the file's header is invalid",
        _ => $"decoder result {result}",
    };
}
