using Balms.Training.Mixing;

namespace Balms.Tests.Training.Mixing;

public class BetaDistributionTests
{
    /// <summary>
    /// Beta(a, a) has mean 1/2 and variance 1 / (4 (2a + 1)); and by symmetry its fourth central moment is
    /// 3 / (16 (2a + 1)(2a + 3)). 40,000 seeded draws estimate each to well within the tolerances.
    /// </summary>
    [Theory]
    [InlineData(0.2)]
    [InlineData(1.0)]
    [InlineData(4.0)]
    public void DrawsHaveTheMomentsOfBetaAlphaAlpha(double alpha)
    {
        var random = new Random(12345);
        double[] draws = Enumerable.Range(0, 40_000).Select(_ => BetaDistribution.Sample(random, alpha)).ToArray();

        double mean = draws.Average();
        double variance = draws.Select(x => (x - mean) * (x - mean)).Average();
        double fourth = draws.Select(x => Math.Pow(x - 0.5, 4)).Average();

        Assert.All(draws, x => Assert.InRange(x, 0, 1));
        Assert.Equal(0.5, mean, 0.01);
        double expectedVariance = 1 / (4 * (2 * alpha + 1));
        Assert.InRange(variance, 0.97 * expectedVariance, 1.03 * expectedVariance);
        double expectedFourth = 3 / (16 * (2 * alpha + 1) * (2 * alpha + 3));
        Assert.InRange(fourth, 0.94 * expectedFourth, 1.06 * expectedFourth);
    }

    /// <summary>
    /// Beta(0.01, 0.01) puts nearly all its mass at the ends: P(x &lt; 1e-3) = P(x &gt; 1 - 1e-3) is about
    /// (1e-3)^0.01 / (0.01 B(0.01, 0.01)) = 0.9333 / 1.9997, so 93.3 % of the draws lie within 1e-3 of 0 or 1.
    /// </summary>
    [Fact]
    public void ATinyAlphaGivesDrawsAtTheEndsWithoutNaN()
    {
        var random = new Random(1);
        double[] draws = Enumerable.Range(0, 1000).Select(_ => BetaDistribution.Sample(random, 0.01)).ToArray();

        Assert.All(draws, x => Assert.InRange(x, 0, 1));
        Assert.InRange(draws.Count(x => x < 1e-3 || x > 1 - 1e-3), 900, 960);
        Assert.InRange(draws.Count(x => x < 0.5), 430, 570);
    }
}
