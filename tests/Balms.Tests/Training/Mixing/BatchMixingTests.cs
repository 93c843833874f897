using Balms.Configuration;
using Balms.Tests.Fixtures;
using Balms.Training.Mixing;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Tests.Training.Mixing;

public class BatchMixingTests
{
    private const int Batch = 6, Side = 8, Pixels = Side * Side;

    /// <summary>Image i is the constant i + 1 in channel 0 and 10 (i + 1) in channel 1: each pixel says whose it is.</summary>
    private static Tensor Images() => tensor(Enumerable.Range(0, Batch)
        .SelectMany(i => Enumerable.Repeat((float)(i + 1), Pixels).Concat(Enumerable.Repeat(10f * (i + 1), Pixels)))
        .ToArray()).reshape(Batch, 2, Side, Side);

    /// <summary>Image i has the label 100 + i, so the other label names the partner.</summary>
    private static Tensor Labels() => tensor(Enumerable.Range(0, Batch).Select(i => 100L + i).ToArray());

    private static int[] Partners(MixedBatch mixed) => Numeric.Values(mixed.OtherLabels).Select(v => (int)v - 100).ToArray();

    private static double[] Channel(double[] pixels, int image, int channel) => pixels.Skip((image * 2 + channel) * Pixels).Take(Pixels).ToArray();

    [Fact]
    public void MixupBlendsEveryImageWithThePartnerWhoseLabelItGets()
    {
        using var images = Images();
        using var labels = Labels();
        var mixing = BatchMixing.Create(new MixupOptions { Alpha = 0.4 }, seed: 3);

        var mixed = mixing.Mix(images, labels, epoch: 2, step: 5);

        int[] partners = Partners(mixed);
        var pixels = Numeric.Values(mixed.Images);
        Assert.Equal(Enumerable.Range(0, Batch), partners.Order());
        Assert.NotEqual(Enumerable.Range(0, Batch), partners);
        Assert.InRange(mixed.Lambda, 0, 1);
        for (int i = 0; i < Batch; i++)
        {
            double expected = mixed.Lambda * (i + 1) + (1 - mixed.Lambda) * (partners[i] + 1);
            Numeric.AssertClose(Enumerable.Repeat(expected, Pixels).ToArray(), Channel(pixels, i, 0), 1e-5);
            Numeric.AssertClose(Enumerable.Repeat(10 * expected, Pixels).ToArray(), Channel(pixels, i, 1), 1e-4);
        }
    }

    [Fact]
    public void CutMixPastesOneBoxFromThePartnerWhoseLabelItGetsAndLambdaIsTheShareLeft()
    {
        using var images = Images();
        using var labels = Labels();
        var mixing = BatchMixing.Create(new CutMixOptions { Alpha = 1 }, seed: 8);
        int boxesSeen = 0;

        for (int step = 0; step < 20; step++)
        {
            var mixed = mixing.Mix(images, labels, epoch: 1, step);
            int[] partners = Partners(mixed);
            var pixels = Numeric.Values(mixed.Images);
            var boxes = new List<int[]>();
            for (int i = 0; i < Batch; i++)
            {
                double[] own = Channel(pixels, i, 0), second = Channel(pixels, i, 1);
                // Every pixel is the image's own or its partner's, in both channels alike.
                Assert.All(Enumerable.Range(0, Pixels), p => Assert.Contains(own[p], new double[] { i + 1, partners[i] + 1 }));
                Assert.All(Enumerable.Range(0, Pixels), p => Assert.Equal(10 * own[p], second[p], 4));
                if (partners[i] != i) boxes.Add(Enumerable.Range(0, Pixels).Where(p => own[p] != i + 1).ToArray());
            }
            // One box, the same in every image whose partner is another image.
            Assert.All(boxes, box => Assert.Equal(boxes[0], box));
            if (boxes.Count == 0) continue;
            AssertIsRectangle(boxes[0]);
            Assert.Equal(1 - (double)boxes[0].Length / Pixels, mixed.Lambda, 12);
            if (boxes[0].Length > 0) boxesSeen++;
        }
        Assert.True(boxesSeen > 10, $"only {boxesSeen} of 20 batches had a box");
    }

    private static void AssertIsRectangle(int[] positions)
    {
        if (positions.Length == 0) return;
        int top = positions.Min(p => p / Side), bottom = positions.Max(p => p / Side);
        int left = positions.Min(p => p % Side), right = positions.Max(p => p % Side);
        Assert.Equal((bottom - top + 1) * (right - left + 1), positions.Length);
    }

    [Fact]
    public void TheBoxHasSidesSqrtOfOneMinusLambdaAroundTheDrawnCentreCutAtTheBorder()
    {
        // lambda 0.75: sides sqrt(0.25) * 8 = 4; the centre is the next two draws (row, column) of the random source.
        var centre = new Random(5);
        int row = centre.Next(Side), column = centre.Next(Side);

        var box = CutMix.Box(Side, Side, 0.75, new Random(5));

        Assert.Equal(new CutMix.PastedBox(Math.Max(row - 2, 0), Math.Min(row + 2, Side), Math.Max(column - 2, 0), Math.Min(column + 2, Side)), box);
        Assert.Equal(0, CutMix.Box(Side, Side, 1.0, new Random(5)).Area);
    }

    [Fact]
    public void TheSameSeedAndPositionMixAlikeAndAnotherStepMixesOtherwise()
    {
        using var images = Images();
        using var labels = Labels();
        var mixing = BatchMixing.Create(new MixupOptions(), seed: 3);

        var first = mixing.Mix(images, labels, epoch: 1, step: 4);
        var again = BatchMixing.Create(new MixupOptions(), seed: 3).Mix(images, labels, epoch: 1, step: 4);
        var next = mixing.Mix(images, labels, epoch: 1, step: 5);

        Assert.Equal(first.Lambda, again.Lambda);
        Assert.Equal(Numeric.Values(first.Images), Numeric.Values(again.Images));
        Assert.Equal(Numeric.Values(first.OtherLabels), Numeric.Values(again.OtherLabels));
        Assert.NotEqual(first.Lambda, next.Lambda);
    }
}
