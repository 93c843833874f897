using Balms.Data;
using Balms.Data.Transforms;
using static Balms.Tests.Data.Transforms.TestImages;

namespace Balms.Tests.Data.Transforms;

public class ImageNetStepsTests
{
    [Fact]
    public void BilinearHalvingAveragesWithAWidenedTriangle()
    {
        // Scale 2 widens the triangle to support 2: output 0 (centre 1) weighs pixels 0..2 by 0.75, 0.75, 0.25
        // (normalised 3/7, 3/7, 1/7), output 1 (centre 3) pixels 1..3 by 1/7, 3/7, 3/7.
        var row = Grey(1, 4, 0, 70, 140, 210);
        Assert.Equal(new byte[] { 50, 160 }, Run(b => PilResample.Bilinear(row, 0, 0, 1, 4, 1, 2, b)));
    }

    [Fact]
    public void BilinearDoublingInterpolatesBetweenNeighbours()
    {
        // Output centres 0.25, 0.75, 1.25, 1.75 in input pixels; the outer two only reach the edge pixel.
        var row = Grey(1, 2, 0, 100);
        Assert.Equal(new byte[] { 0, 25, 75, 100 }, Run(b => PilResample.Bilinear(row, 0, 0, 1, 2, 1, 4, b)));
        var column = Grey(2, 1, 0, 100);
        Assert.Equal(new byte[] { 0, 25, 75, 100 }, Run(b => PilResample.Bilinear(column, 0, 0, 2, 1, 4, 1, b)));
    }

    [Fact]
    public void BilinearReadsOnlyTheCroppedRegion()
    {
        // Region rows 1..2, columns 1..2 = [10 20; 30 40], shrunk to one pixel: rows give 15 and 35, then 25.
        var image = Grey(3, 3, 9, 9, 9, 9, 10, 20, 9, 30, 40);
        Assert.Equal(new byte[] { 25 }, Run(b => PilResample.Bilinear(image, 1, 1, 2, 2, 1, 1, b)));
        Assert.Equal(new byte[] { 10, 20, 30, 40 }, Run(b => PilResample.Bilinear(image, 1, 1, 2, 2, 2, 2, b)));
    }

    [Fact]
    public void RandomResizedCropRegionsRespectScaleAndRatio()
    {
        for (int seed = 0; seed < 200; seed++)
        {
            var region = RandomResizedCrop.DrawRegion(100, 80, new Random(seed));
            Assert.InRange(region.Top, 0, 100 - region.Height);
            Assert.InRange(region.Left, 0, 80 - region.Width);
            // The exact sides w*, h* satisfy w* h* in [0.08, 1] x 8000 and w* / h* in [3/4, 4/3]; each was rounded
            // to the nearest integer, so w* lies in [w - 0.5, w + 0.5] and h* in [h - 0.5, h + 0.5].
            double w = region.Width, h = region.Height;
            Assert.True((w + 0.5) * (h + 0.5) >= 0.08 * 8000, $"region {region} too small");
            Assert.True((w + 0.5) / (h - 0.5) >= 0.75 && (w - 0.5) / (h + 0.5) <= 4.0 / 3, $"region {region} too elongated");
        }
    }

    [Theory]
    // 10 x 1000 can never hold a region of ratio <= 4/3 and area >= 800: central crop of height 10 and
    // width round(10 * 4/3) = 13 at column (1000 - 13) / 2 = 493; the tall image mirrors it.
    [InlineData(10, 1000, 0, 493, 10, 13)]
    [InlineData(1000, 10, 493, 0, 13, 10)]
    public void RandomResizedCropFallsBackToTheCentralCrop(int height, int width, int top, int left, int cropHeight, int cropWidth)
    {
        for (int seed = 0; seed < 5; seed++)
            Assert.Equal(new RandomResizedCrop.Region(top, left, cropHeight, cropWidth),
                RandomResizedCrop.DrawRegion(height, width, new Random(seed)));
    }

    [Theory]
    [InlineData(6, 9, 4, 6)] // int(4 * 9 / 6) = 6
    [InlineData(9, 6, 6, 4)]
    [InlineData(7, 10, 4, 5)] // int(4 * 10 / 7) = int(5.71) = 5
    public void ResizeMakesTheShorterSideTheSize(int height, int width, int resizedHeight, int resizedWidth)
    {
        using var buffers = new ImageBuffers();
        RawImage resized = new ResizeShorterSide(4).Apply(Noise(height, width, 3, 0), new Random(0), buffers);
        Assert.Equal((resizedHeight, resizedWidth), (resized.Height, resized.Width));
    }

    [Fact]
    public void ResizeKeepsAnImageWhoseShorterSideAlreadyFits()
    {
        var image = Noise(4, 7, 3, 0);
        using var buffers = new ImageBuffers();
        Assert.Same(image, new ResizeShorterSide(4).Apply(image, new Random(0), buffers));
    }

    [Fact]
    public void CenterCropRoundsOffsetsHalfToEven()
    {
        // 5x6 -> 2x2: top round(1.5) = 2, left round(2.0) = 2. 7x4 -> 2x2: top round(2.5) = 2, left 1.
        var wide = Grey(5, 6, Enumerable.Range(0, 30).Select(i => (byte)i).ToArray());
        Assert.Equal(new byte[] { 14, 15, 20, 21 }, Run(b => new CenterCrop(2).Apply(wide, new Random(0), b)));
        var tall = Grey(7, 4, Enumerable.Range(0, 28).Select(i => (byte)i).ToArray());
        Assert.Equal(new byte[] { 9, 10, 13, 14 }, Run(b => new CenterCrop(2).Apply(tall, new Random(0), b)));
    }

    [Fact]
    public void CenterCropRejectsASmallerImage()
    {
        using var buffers = new ImageBuffers();
        Assert.Throws<DataException>(() => new CenterCrop(4).Apply(Noise(3, 8, 3, 0), new Random(0), buffers));
    }

    [Fact]
    public void BrightnessJitterScalesByAFactorBetween06And14()
    {
        var image = Filled(2, 2, 3, 100);
        var values = new HashSet<byte>();
        for (int seed = 0; seed < 50; seed++)
        {
            byte[] jittered = Run(b => new ColorJitter(0.4, 0, 0).Apply(image, new Random(seed), b));
            Assert.All(jittered, v => Assert.Equal(jittered[0], v));
            Assert.InRange(jittered[0], 60, 140);
            values.Add(jittered[0]);
        }
        Assert.True(values.Count > 20);
        Assert.Contains(values, v => v < 100);
        Assert.Contains(values, v => v > 100);
    }

    [Fact]
    public void ContrastAndSaturationJitterLeaveAUniformGreyImage()
    {
        // A uniform grey image is its own contrast and saturation degenerate.
        var image = Filled(3, 3, 3, 90);
        for (int seed = 0; seed < 10; seed++)
            Assert.Equal(image.Pixels, Run(b => new ColorJitter(0, 0.4, 0.4).Apply(image, new Random(seed), b)));
    }
}
