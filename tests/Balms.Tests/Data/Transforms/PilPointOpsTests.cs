using Balms.Data.Transforms;
using static Balms.Tests.Data.Transforms.TestImages;

namespace Balms.Tests.Data.Transforms;

public class PilPointOpsTests
{
    [Fact]
    public void InvertSubtractsFrom255()
    {
        var image = Grey(2, 2, 0, 1, 128, 255);
        Assert.Equal(new byte[] { 255, 254, 127, 0 }, Run(b => PilPointOps.Invert(image, b)));
    }

    [Fact]
    public void PosterizeKeepsTheTopBits()
    {
        var image = Grey(1, 5, 0, 31, 32, 200, 255);
        // 3 bits keep the mask 0b1110_0000: 200 = 0b1100_1000 -> 192, 255 -> 224.
        Assert.Equal(new byte[] { 0, 0, 32, 192, 224 }, Run(b => PilPointOps.Posterize(image, 3, b)));
        Assert.Equal(image.Pixels, Run(b => PilPointOps.Posterize(image, 8, b)));
    }

    [Fact]
    public void SolarizeInvertsValuesAtOrAboveTheThreshold()
    {
        var image = Grey(1, 4, 0, 199, 200, 255);
        Assert.Equal(new byte[] { 0, 199, 55, 0 }, Run(b => PilPointOps.Solarize(image, 256 - 512.0 / 9, b)));
        Assert.Equal(new byte[] { 255, 56, 55, 0 }, Run(b => PilPointOps.Solarize(image, 0, b)));
        Assert.Equal(image.Pixels, Run(b => PilPointOps.Solarize(image, 256, b)));
    }

    [Fact]
    public void AutoContrastStretchesEachChannelAndTruncates()
    {
        // Red spans 10..61 (scale 5, offset -50); green is constant (left alone); blue spans 0..2 (scale 127.5,
        // so 1 -> int(127.5) = 127).
        var image = Rgb(1, 4,
            10, 42, 0,
            11, 42, 1,
            35, 42, 2,
            61, 42, 2);
        byte[] expected =
        [
            0, 42, 0,
            5, 42, 127,
            125, 42, 255,
            255, 42, 255,
        ];
        Assert.Equal(expected, Run(b => PilPointOps.AutoContrast(image, b)));
    }

    [Fact]
    public void EqualizeMapsByCumulativeCountsPerChannel()
    {
        // 400 pixels: 100 of value 100, 200 of 150, 100 of 200. step = (400 - 100) / 255 = 1, so each value maps to
        // the number of pixels below it: 100 -> 0, 150 -> 100, 200 -> 300, capped at 255.
        // Green is constant: step = (400 - 400) / 255 = 0 leaves it unchanged.
        var pixels = new byte[400 * 3];
        var expected = new byte[400 * 3];
        for (int i = 0; i < 400; i++)
        {
            (byte value, byte mapped) = i < 100 ? ((byte)100, (byte)0) : i < 300 ? ((byte)150, (byte)100) : ((byte)200, (byte)255);
            pixels[3 * i] = value;
            pixels[3 * i + 1] = 77;
            pixels[3 * i + 2] = (byte)(255 - value);
            expected[3 * i] = mapped;
            expected[3 * i + 1] = 77;
        }
        // Blue holds 155 (x100), 105 (x200), 55 (x100): its own histogram, again step 1, so 55 -> 0, 105 -> 100,
        // 155 -> 300 capped at 255.
        for (int i = 0; i < 400; i++)
            expected[3 * i + 2] = pixels[3 * i + 2] switch { 55 => 0, 105 => 100, _ => 255 };

        Assert.Equal(expected, Run(b => PilPointOps.Equalize(new(pixels, 20, 20, 3), b)));
    }

    [Fact]
    public void EqualizeRoundsWithHalfAStep()
    {
        // 1200 pixels: 300 x 0, 300 x 100, 600 x 255. step = (1200 - 600) / 255 = 2, start = step / 2 = 1:
        // 0 -> 1 / 2 = 0, 100 -> (1 + 300) / 2 = 150, 255 -> (1 + 600) / 2 = 300 -> 255.
        var pixels = Enumerable.Repeat((byte)0, 300).Concat(Enumerable.Repeat((byte)100, 300))
            .Concat(Enumerable.Repeat((byte)255, 600)).ToArray();
        var expected = pixels.Select(v => v switch { 0 => (byte)0, 100 => (byte)150, _ => (byte)255 }).ToArray();
        Assert.Equal(expected, Run(b => PilPointOps.Equalize(Grey(30, 40, pixels), b)));
    }

    [Fact]
    public void OperationsLeaveTheirInputUntouched()
    {
        var image = Noise(4, 4, 3, seed: 1);
        byte[] before = image.Pixels.ToArray();
        Run(b => PilPointOps.Equalize(image, b));
        Run(b => PilPointOps.AutoContrast(image, b));
        Run(b => PilPointOps.Invert(image, b));
        Assert.Equal(before, image.Pixels);
    }
}
