using Balms.Data;
using Balms.Data.Transforms;
using static Balms.Tests.Data.Transforms.TestImages;

namespace Balms.Tests.Data.Transforms;

public class CropAndFlipTests
{
    [Fact]
    public void PaddedCropReturnsEveryWindowOfTheZeroPaddedImage()
    {
        // 2x2 image [1 2; 3 4] padded by 1 to 4x4; the nine 2x2 windows, row by row.
        var image = Grey(2, 2, 1, 2, 3, 4);
        byte[][] windows =
        [
            [0, 0, 0, 1], [0, 0, 1, 2], [0, 0, 2, 0],
            [0, 1, 0, 3], [1, 2, 3, 4], [2, 0, 4, 0],
            [0, 3, 0, 0], [3, 4, 0, 0], [4, 0, 0, 0],
        ];
        var crop = new PaddedRandomCrop(size: 2, padding: 1);
        var seen = new HashSet<int>();
        for (int seed = 0; seed < 300; seed++)
        {
            byte[] window = Run(b => crop.Apply(image, new Random(seed), b));
            int index = Array.FindIndex(windows, w => w.SequenceEqual(window));
            Assert.True(index >= 0, $"seed {seed} gave [{string.Join(", ", window)}], not a window of the padded image");
            seen.Add(index);
        }
        Assert.Equal(9, seen.Count);
    }

    [Fact]
    public void PaddedCropRejectsAnImageTooSmallForTheCrop()
    {
        var crop = new PaddedRandomCrop(size: 32, padding: 4);
        using var buffers = new ImageBuffers();
        Assert.Throws<DataException>(() => crop.Apply(Filled(20, 32, 3, 1), new Random(0), buffers));
    }

    [Fact]
    public void MirrorReversesEachRowKeepingChannelsTogether()
    {
        var image = Rgb(2, 3,
            1, 2, 3, 4, 5, 6, 7, 8, 9,
            10, 11, 12, 13, 14, 15, 16, 17, 18);
        byte[] expected =
        [
            7, 8, 9, 4, 5, 6, 1, 2, 3,
            16, 17, 18, 13, 14, 15, 10, 11, 12,
        ];
        Assert.Equal(expected, Run(b => RandomHorizontalFlip.Mirror(image, b)));
    }

    [Fact]
    public void FlipHappensWithItsProbability()
    {
        var image = Grey(1, 2, 1, 2);
        byte[] mirrored = [2, 1];
        Assert.All(Enumerable.Range(0, 20), seed =>
        {
            Assert.Equal(mirrored, Run(b => new RandomHorizontalFlip(1).Apply(image, new Random(seed), b)));
            Assert.Equal(image.Pixels, Run(b => new RandomHorizontalFlip(0).Apply(image, new Random(seed), b)));
        });
        int flips = Enumerable.Range(0, 1000)
            .Count(seed => Run(b => new RandomHorizontalFlip().Apply(image, new Random(seed), b))[0] == 2);
        Assert.InRange(flips, 400, 600);
    }
}
