using Balms.Data.LongTail;

namespace Balms.Tests.Data.LongTail;

public class LongTailProfileTests
{
    // The per-class lists and totals below are those of the original CIFAR-LT code (see the reference, section 3.1).
    [Fact]
    public void Cifar10_at_imbalance_200_matches_the_original()
    {
        Assert.Equal([5000, 2775, 1540, 854, 474, 263, 146, 81, 45, 25], LongTailProfile.Exponential(5000, 10, 200));
    }

    [Fact]
    public void Cifar10_at_imbalance_100_matches_the_original()
    {
        Assert.Equal([5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50], LongTailProfile.Exponential(5000, 10, 100));
    }

    [Fact]
    public void Cifar100_at_imbalance_200_matches_the_original()
    {
        int[] expected =
        [
            500, 473, 449, 425, 403, 382, 362, 343, 325, 308, 292, 277, 263, 249, 236, 224, 212, 201, 190, 180,
            171, 162, 154, 146, 138, 131, 124, 117, 111, 105, 100, 95, 90, 85, 81, 76, 72, 69, 65, 62,
            58, 55, 52, 50, 47, 44, 42, 40, 38, 36, 34, 32, 30, 29, 27, 26, 24, 23, 22, 21,
            20, 19, 18, 17, 16, 15, 14, 13, 13, 12, 11, 11, 10, 10, 9, 9, 8, 8, 7, 7,
            6, 6, 6, 5, 5, 5, 5, 4, 4, 4, 4, 3, 3, 3, 3, 3, 2, 2, 2, 2,
        ];
        var counts = LongTailProfile.Exponential(500, 100, 200);
        Assert.Equal(expected, counts);
        Assert.Equal(9502, counts.Sum());
    }

    [Theory]
    [InlineData(5000, 10, 200.0, 11203)]
    [InlineData(5000, 10, 100.0, 12406)]
    [InlineData(5000, 10, 10.0, 20431)]
    [InlineData(500, 100, 100.0, 10847)]
    [InlineData(500, 100, 10.0, 19573)]
    public void Totals_match_the_original(int imagesPerClassMax, int classCount, double imbalanceFactor, int expectedTotal)
    {
        var counts = LongTailProfile.Exponential(imagesPerClassMax, classCount, imbalanceFactor);

        Assert.Equal(expectedTotal, counts.Sum());
        Assert.Equal(imagesPerClassMax, counts[0]);
        Assert.Equal((int)(imagesPerClassMax / imbalanceFactor), counts[^1]);
    }

    [Fact]
    public void Imbalance_factor_one_keeps_every_class_full()
    {
        Assert.All(LongTailProfile.Exponential(600, 7, 1.0), count => Assert.Equal(600, count));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.0)]
    [InlineData(-10.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Imbalance_factor_below_one_or_not_finite_is_refused(double imbalanceFactor)
    {
        var error = Assert.Throws<BalmsException>(() => LongTailProfile.Exponential(5000, 10, imbalanceFactor));
        Assert.Contains("imbalance factor", error.Message);
    }
}
