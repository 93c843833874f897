using Balms.Data.Transforms;
using static Balms.Tests.Data.Transforms.TestImages;

namespace Balms.Tests.Data.Transforms;

public class PilEnhanceTests
{
    [Theory]
    [InlineData(255, 0, 0, 76)] // 0.299 * 255 = 76.245
    [InlineData(0, 255, 0, 150)] // 0.587 * 255 = 149.685
    [InlineData(0, 0, 255, 29)] // 0.114 * 255 = 29.07
    [InlineData(255, 255, 255, 255)]
    [InlineData(10, 20, 30, 18)] // 2.99 + 11.74 + 3.42 = 18.15
    public void LuminanceIsRoundedItu601Luma(byte red, byte green, byte blue, byte expected) =>
        Assert.Equal(expected, PilEnhance.Luminance(red, green, blue));

    [Fact]
    public void BrightnessScalesTowardsBlackAndTruncates()
    {
        var image = Grey(1, 4, 0, 3, 100, 255);
        Assert.Equal(new byte[] { 0, 1, 50, 127 }, Enhance(image, Enhancement.Brightness, 0.5));
        Assert.Equal(new byte[] { 0, 4, 150, 255 }, Enhance(image, Enhancement.Brightness, 1.5));
        Assert.Equal(new byte[] { 0, 0, 0, 0 }, Enhance(image, Enhancement.Brightness, 0));
        Assert.Equal(image.Pixels, Enhance(image, Enhancement.Brightness, 1));
    }

    [Fact]
    public void ContrastBlendsWithTheRoundedMeanGrey()
    {
        // Mean 50.25 -> grey 50; 0.5: 50 + 0.5 * (101 - 50) = 75.5 -> 75; 2.0 extrapolates and clips at 0.
        var image = Grey(2, 2, 0, 0, 100, 101);
        Assert.Equal(new byte[] { 25, 25, 75, 75 }, Enhance(image, Enhancement.Contrast, 0.5));
        Assert.Equal(new byte[] { 0, 0, 150, 152 }, Enhance(image, Enhancement.Contrast, 2));
    }

    [Fact]
    public void ContrastGreyIsTheMeanLuminanceOfAnRgbImage()
    {
        // Luminances 76 and 150, mean 113.
        var image = Rgb(1, 2, 255, 0, 0, 0, 255, 0);
        Assert.Equal(Enumerable.Repeat((byte)113, 6), Enhance(image, Enhancement.Contrast, 0));
    }

    [Fact]
    public void ColorBlendsWithTheGreyscaleImage()
    {
        // Luminance of pure red is 76: 0.5 gives 76 + 0.5 * 179 = 165.5 -> 165 and 76 - 38 = 38; 2.0 clips.
        var image = Rgb(1, 1, 255, 0, 0);
        Assert.Equal(new byte[] { 76, 76, 76 }, Enhance(image, Enhancement.Color, 0));
        Assert.Equal(new byte[] { 165, 38, 38 }, Enhance(image, Enhancement.Color, 0.5));
        Assert.Equal(new byte[] { 255, 0, 0 }, Enhance(image, Enhancement.Color, 2));
    }

    [Fact]
    public void SharpnessSmoothsOnlyTheInteriorWithRounding()
    {
        // Degenerate (factor 0) of all-26-with-a-0-centre: (8 * 26 + 5 * 0) / 13 = 16 at the centre.
        var image = Grey(3, 3, 26, 26, 26, 26, 0, 26, 26, 26, 26);
        Assert.Equal(new byte[] { 26, 26, 26, 26, 16, 26, 26, 26, 26 }, Enhance(image, Enhancement.Sharpness, 0));
        Assert.Equal(new byte[] { 26, 26, 26, 26, 8, 26, 26, 26, 26 }, Enhance(image, Enhancement.Sharpness, 0.5));
        Assert.Equal(new byte[] { 26, 26, 26, 26, 0, 26, 26, 26, 26 }, Enhance(image, Enhancement.Sharpness, 2));

        // 8 / 13 = 0.615 rounds up to 1, which truncation alone would not give.
        var ones = Grey(3, 3, 1, 1, 1, 1, 0, 1, 1, 1, 1);
        Assert.Equal(1, Enhance(ones, Enhancement.Sharpness, 0)[4]);
    }

    [Fact]
    public void SharpnessKeepsEveryBorderPixel()
    {
        var image = Noise(4, 5, 3, seed: 3);
        byte[] smoothed = Enhance(image, Enhancement.Sharpness, 0);
        for (int y = 0; y < 4; y++)
        for (int x = 0; x < 5; x++)
        for (int c = 0; c < 3; c++)
        {
            bool border = y == 0 || y == 3 || x == 0 || x == 4;
            if (border) Assert.Equal(image[y, x, c], smoothed[(y * 5 + x) * 3 + c]);
        }
        // The interior pixel (1, 1) of channel 0 is the rounded weighted mean of its neighbourhood.
        double sum = 0;
        for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++)
            sum += image[1 + dy, 1 + dx, 0] * (dx == 0 && dy == 0 ? 5 : 1);
        Assert.Equal((int)Math.Floor(sum / 13 + 0.5), smoothed[(1 * 5 + 1) * 3]);
    }

    private static byte[] Enhance(Balms.Data.RawImage image, Enhancement enhancement, double factor) =>
        Run(b => PilEnhance.Enhance(image, enhancement, factor, b));
}
