using Balms.Data.Transforms;
using static Balms.Tests.Data.Transforms.TestImages;

namespace Balms.Tests.Data.Transforms;

public class NormalizeToChwTests
{
    private static readonly double[] CifarMean = [0.4914, 0.4822, 0.4465], CifarStd = [0.2023, 0.1994, 0.2010];

    [Fact]
    public void WritesNormalisedValuesChannelMajor()
    {
        // Two pixels (0, 128, 255) and (51, 102, 204): plane c holds channel c of both pixels.
        var image = Rgb(1, 2, 0, 128, 255, 51, 102, 204);
        var output = new float[6];
        new NormalizeToChw(ChannelNormalization.Cifar).Write(image, new Random(0), output);
        double[] expected =
        [
            (0 / 255.0 - CifarMean[0]) / CifarStd[0], (51 / 255.0 - CifarMean[0]) / CifarStd[0],
            (128 / 255.0 - CifarMean[1]) / CifarStd[1], (102 / 255.0 - CifarMean[1]) / CifarStd[1],
            (255 / 255.0 - CifarMean[2]) / CifarStd[2], (204 / 255.0 - CifarMean[2]) / CifarStd[2],
        ];
        for (int i = 0; i < 6; i++) Assert.Equal(expected[i], output[i], 1e-5);
    }

    [Fact]
    public void CutoutHoleTakesTheValueOfNormalisedZero()
    {
        var image = Filled(32, 32, 3, 255);
        var writer = new NormalizeToChw(ChannelNormalization.Cifar, cutoutLength: 16);
        var holeSides = new HashSet<(int, int)>();
        for (int seed = 0; seed < 200; seed++)
        {
            var output = new float[3 * 32 * 32];
            writer.Write(image, new Random(seed), output);
            for (int c = 0; c < 3; c++)
            {
                float hole = (float)((0 - CifarMean[c]) / CifarStd[c]), kept = (float)((1 - CifarMean[c]) / CifarStd[c]);
                var plane = output.AsSpan(c * 1024, 1024).ToArray();
                Assert.All(plane, v => Assert.True(Math.Abs(v - hole) < 1e-5 || Math.Abs(v - kept) < 1e-5));
                int[] rows = Enumerable.Range(0, 32).Where(y => Enumerable.Range(0, 32).Any(x => IsHole(plane[y * 32 + x]))).ToArray();
                int[] columns = Enumerable.Range(0, 32).Where(x => Enumerable.Range(0, 32).Any(y => IsHole(plane[y * 32 + x]))).ToArray();
                // A single axis-aligned rectangle: every pixel in its row and column span is in the hole.
                Assert.Equal(rows.Length * columns.Length, plane.Count(IsHole));
                Assert.Equal(rows.Length - 1, rows[^1] - rows[0]);
                Assert.Equal(columns.Length - 1, columns[^1] - columns[0]);
                // Centre anywhere in the image, half-length 8 each way, clipped: 8 to 16 pixels per side.
                Assert.InRange(rows.Length, 8, 16);
                Assert.InRange(columns.Length, 8, 16);
                holeSides.Add((rows.Length, columns.Length));

                bool IsHole(float v) => Math.Abs(v - hole) < 1e-5;
            }
        }
        Assert.Contains((16, 16), holeSides);
        Assert.Contains(holeSides, side => side.Item1 < 16 || side.Item2 < 16);
    }

    [Fact]
    public void NormalizationRejectsMismatchedOrNonPositiveStatistics()
    {
        Assert.Throws<BalmsException>(() => new ChannelNormalization([0.5f, 0.5f], [0.2f]));
        Assert.Throws<BalmsException>(() => new ChannelNormalization([0.5f], [0f]));
    }
}
