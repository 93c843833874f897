using Balms.Configuration;
using Balms.Losses;
using Balms.Tests.Fixtures;
using static TorchSharp.torch;

namespace Balms.Tests.Losses;

public class ClassBalancedLossTests
{
    private static readonly long[] Counts = [500, 50, 5];
    private static readonly long[] Targets = [0, 0, 0, 1, 2, 0];
    private const int Classes = 3;

    /// <summary>Cui et al.'s weights straight from the formula: (1 - beta) / (1 - beta^n), scaled to sum to C.</summary>
    private static double[] FormulaWeights(long[] counts, double beta)
    {
        double[] raw = counts.Select(n => (1 - beta) / (1 - Math.Pow(beta, n))).ToArray();
        return raw.Select(w => w * counts.Length / raw.Sum()).ToArray();
    }

    [Theory]
    [InlineData(0.9)]
    [InlineData(0.99)]
    [InlineData(0.9999)]
    public void WeightsAreTheInverseEffectiveNumbersScaledToSumToTheClassCount(double beta)
    {
        var weights = EffectiveNumber.ClassWeights(Counts, beta);

        Numeric.AssertClose(FormulaWeights(Counts, beta), weights, 1e-9);
        Assert.Equal(3, weights.Sum(), 12);
    }

    [Fact]
    public void BetaZeroWeighsAllClassesAlikeAndBetaOneIsInverseFrequency()
    {
        Assert.Equal([1.0, 1.0, 1.0], EffectiveNumber.ClassWeights(Counts, 0));
        // 1/500 : 1/50 : 1/5 = 1 : 10 : 100, scaled to sum to 3.
        Numeric.AssertClose([3.0 / 111, 30.0 / 111, 300.0 / 111], EffectiveNumber.ClassWeights(Counts, 1), 1e-12);
        Assert.Equal(3, EffectiveNumber.Of(3, 1), 12);
        Assert.Equal(1.75, EffectiveNumber.Of(3, 0.5), 12); // (1 - 1/8) / (1/2)
        Assert.Equal(0, EffectiveNumber.Of(0, 0.9));
    }

    [Theory]
    [InlineData(0.99, 0.0)]
    [InlineData(0.99, 1.0)]
    [InlineData(0.9999, 2.0)]
    public void LossIsTheWeightedMeanOfCrossEntropyOrFocalTermsAndItsGradientMatches(double beta, double gamma)
    {
        double[] values = LossReference.RandomLogits(seed: 21, Targets.Length * Classes);
        double[] weights = FormulaWeights(Counts, beta);
        double Reference(double[] v) => LossReference.WeightedMean(v, Classes, Targets, (row, y) => LossReference.Focal(row, y, gamma), c => weights[c]);
        using var loss = new ClassBalancedLoss(new ClassBalancedLossOptions { Beta = beta, Gamma = gamma }, new LossContext(Counts, Epochs: 1));
        using var logits = LossReference.Leaf(values, Classes);
        using var targets = tensor(Targets);

        using var mean = loss.Forward(logits, targets);
        mean.backward();

        LossAssert.Close([Reference(values)], mean, 1e-10);
        LossAssert.Close(LossReference.Gradient(Reference, values), logits.grad!, 1e-7);
        // Per sample: each term times its class weight.
        var rows = LossReference.Rows(values, Classes);
        LossAssert.Close(rows.Select((row, i) => weights[Targets[i]] * LossReference.Focal(row, (int)Targets[i], gamma)).ToArray(),
            loss.PerSample(logits, targets), 1e-10);
    }

    [Fact]
    public void AClassWithoutImagesIsRejected()
    {
        var error = Assert.Throws<BalmsException>(() =>
            new ClassBalancedLoss(new ClassBalancedLossOptions(), new LossContext([3, 0, 1], Epochs: 1)));

        Assert.Contains("class 1 has 0", error.Message);
    }
}
