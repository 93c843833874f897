using Balms.Data;
using Balms.Data.Images;
using Balms.Tests.Fixtures;

namespace Balms.Tests.Data.Images;

public class ImageDecoderTests
{
    private const int Height = 30, Width = 40;

    /// <summary>
    /// An 8x6 JPEG in CMYK (Adobe, inverted) of the flat colour C,M,Y,K = 30,160,90,40, written by PIL 9.4. PIL's
    /// convert('RGB') of it gives (190, 80, 139), i.e. 255 - C - K + C*K/255 per channel, rounded.
    /// </summary>
    private const string CmykJpegBase64 =
        "/9j/7gAOQWRvYmUAZAAAAAAA/9sAQwACAQEBAQECAQEBAgICAgIEAwICAgIFBAQDBAYFBgYGBQYGBgcJCAYHCQcGBggLCAkKCgoKCgYICwwLCgwJCgoK" +
        "/8AAFAgABgAIBEMRAE0RAFkRAEsRAP/EAB8AAAEFAQEBAQEBAAAAAAAAAAABAgMEBQYHCAkKC//EALUQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFB" +
        "BhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqS" +
        "k5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+v/aAA4EQwBNAFkASwAAPwD9hK+e6+lK" +
        "/Vyv/9k=";

    [Fact]
    public void RgbPngDecodesToTheExactPixels()
    {
        using var folder = new TempDirectory();
        var written = ImageFiles.Gradient(Height, Width, 3);
        ImageFiles.WritePng(folder.Combine("a.png"), written);

        var image = ImageDecoder.ReadRgb(folder.Combine("a.png"));

        Assert.Equal((Height, Width, 3), (image.Height, image.Width, image.Channels));
        Assert.Equal(written.Pixels, image.Pixels);
    }

    [Fact]
    public void FlatColourJpegDecodesWithinCompressionError()
    {
        using var folder = new TempDirectory();
        ImageFiles.WriteJpeg(folder.Combine("a.jpg"), ImageFiles.Flat(Height, Width, 200, 120, 40));

        var image = ImageDecoder.ReadRgb(folder.Combine("a.jpg"));

        Assert.Equal((Height, Width, 3), (image.Height, image.Width, image.Channels));
        byte[] colour = [200, 120, 40];
        for (int i = 0; i < image.Pixels.Length; i++)
            Assert.InRange(image.Pixels[i], colour[i % 3] - 3, colour[i % 3] + 3);
    }

    [Fact]
    public void GreyPngIsCopiedIntoAllThreeChannels()
    {
        using var folder = new TempDirectory();
        var grey = ImageFiles.Gradient(Height, Width, 1);
        ImageFiles.WritePng(folder.Combine("grey.png"), grey);

        var image = ImageDecoder.ReadRgb(folder.Combine("grey.png"));

        Assert.Equal(3, image.Channels);
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
                for (int c = 0; c < 3; c++)
                    Assert.Equal(grey[y, x, 0], image[y, x, c]);
    }

    [Fact]
    public void GreyJpegGivesEqualChannelsNearTheWrittenValue()
    {
        using var folder = new TempDirectory();
        ImageFiles.WriteJpeg(folder.Combine("grey.jpg"), ImageFiles.Flat(Height, Width, 90));

        var image = ImageDecoder.ReadRgb(folder.Combine("grey.jpg"));

        for (int pixel = 0; pixel < Height * Width; pixel++)
        {
            byte red = image.Pixels[pixel * 3];
            Assert.InRange(red, 87, 93);
            Assert.Equal(red, image.Pixels[pixel * 3 + 1]);
            Assert.Equal(red, image.Pixels[pixel * 3 + 2]);
        }
    }

    [Fact]
    public void AlphaIsDroppedNotBlended()
    {
        using var folder = new TempDirectory();
        // Alpha runs through 0 (fully transparent) to 250; blending onto any background would change the colours.
        var rgba = ImageFiles.Gradient(Height, Width, 4);
        ImageFiles.WritePng(folder.Combine("rgba.png"), rgba);

        var image = ImageDecoder.ReadRgb(folder.Combine("rgba.png"));

        Assert.Equal(3, image.Channels);
        Assert.Contains(rgba.Pixels.Where((_, i) => i % 4 == 3), alpha => alpha == 0);
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
                for (int c = 0; c < 3; c++)
                    Assert.Equal(rgba[y, x, c], image[y, x, c]);
    }

    [Fact]
    public void CmykJpegConvertsToRgbAsPilDoes()
    {
        using var folder = new TempDirectory();
        File.WriteAllBytes(folder.Combine("cmyk.jpg"), Convert.FromBase64String(CmykJpegBase64));

        var image = ImageDecoder.ReadRgb(folder.Combine("cmyk.jpg"));

        Assert.Equal((6, 8, 3), (image.Height, image.Width, image.Channels));
        byte[] expected = [190, 80, 139];
        for (int i = 0; i < image.Pixels.Length; i++)
            Assert.InRange(image.Pixels[i], expected[i % 3] - 1, expected[i % 3] + 1);
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        using var folder = new TempDirectory();
        string path = folder.Combine("nowhere", "a.jpg");

        var error = Assert.Throws<DataException>(() => ImageDecoder.ReadRgb(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("not found", error.Message);
    }

    [Fact]
    public void BytesThatAreNoImageAreReportedWithTheFile()
    {
        using var folder = new TempDirectory();
        string path = folder.Combine("noise.jpg");
        var noise = new byte[500];
        new Random(3).NextBytes(noise);
        File.WriteAllBytes(path, noise);

        var error = Assert.Throws<DataException>(() => ImageDecoder.ReadRgb(path));

        Assert.StartsWith(path + ":", error.Message);
    }

    [Fact]
    public void EmptyFileIsReportedWithTheFile()
    {
        using var folder = new TempDirectory();
        string path = folder.Combine("empty.png");
        File.WriteAllBytes(path, []);

        var error = Assert.Throws<DataException>(() => ImageDecoder.ReadRgb(path));

        Assert.StartsWith(path + ":", error.Message);
    }

    [Theory]
    [InlineData("cut.jpg")]
    [InlineData("cut.png")]
    public void TruncatedFileIsReportedAsCorrupt(string name)
    {
        using var folder = new TempDirectory();
        string path = folder.Combine(name);
        if (name.EndsWith(".png")) ImageFiles.WritePng(path, ImageFiles.Gradient(Height, Width, 3));
        else ImageFiles.WriteJpeg(path, ImageFiles.Gradient(Height, Width, 3));
        byte[] whole = File.ReadAllBytes(path);
        File.WriteAllBytes(path, whole[..(whole.Length / 2)]);

        var error = Assert.Throws<DataException>(() => ImageDecoder.ReadRgb(path));

        Assert.StartsWith(path + ": corrupt image", error.Message);
    }

    [Theory]
    [InlineData("empty.jpg", "")]
    [InlineData("text.png", "this is a text file, not a PNG")]
    public void TheHeaderCheckFindsAFileThatIsNoImageAsDecodingWould(string name, string content)
    {
        using var folder = new TempDirectory();
        string path = folder.Combine(name);
        File.WriteAllText(path, content);

        var error = Assert.Throws<DataException>(() => ImageDecoder.CheckHeader(path));

        Assert.Equal(Assert.Throws<DataException>(() => ImageDecoder.ReadRgb(path)).Message, error.Message);
        Assert.StartsWith(path + ": not a readable image", error.Message);
    }

    [Fact]
    public void TheHeaderCheckNamesAMissingFileAndPassesAnImageCutAfterItsHeader()
    {
        using var folder = new TempDirectory();
        Assert.Equal($"{folder.Combine("gone.png")}: image file not found",
            Assert.Throws<DataException>(() => ImageDecoder.CheckHeader(folder.Combine("gone.png"))).Message);

        string cut = folder.Combine("cut.png");
        ImageFiles.WritePng(cut, ImageFiles.Gradient(Height, Width, 3));
        byte[] whole = File.ReadAllBytes(cut);
        File.WriteAllBytes(cut, whole[..(whole.Length / 2)]);

        ImageDecoder.CheckHeader(cut);
        Assert.Throws<DataException>(() => ImageDecoder.ReadRgb(cut));
    }
}
