using Balms.Configuration;
using Balms.Losses;
using Balms.Tests.Fixtures;
using static TorchSharp.torch;

namespace Balms.Tests.Losses;

public class LdamLossTests
{
    // n^(1/4) = 10, 5, 2: margins proportional to 1/10, 1/5, 1/2.
    private static readonly long[] Counts = [10000, 625, 16];
    private static readonly long[] Targets = [0, 1, 2, 2, 0];
    private const int Classes = 3;
    private const double Scale = 10;

    private static LdamLoss Loss(int? drwEpoch = null, int epochs = 10, double maxM = 0.5) =>
        new(new LdamLossOptions { MaxM = maxM, DrwEpoch = drwEpoch }, new LossContext(Counts, epochs, new CosineHeadOptions { Scale = Scale }));

    [Fact]
    public void MarginsFallAsTheFourthRootOfTheCountAndTheLargestIsMaxM()
    {
        Numeric.AssertClose(Margins, LdamLoss.Margins(Counts, 0.5), 1e-12);
        Numeric.AssertClose([0.06, 0.12, 0.3], LdamLoss.Margins(Counts, 0.3), 1e-12);
    }

    /// <summary>
    /// Cao et al.: the logits are s * cos; the true class's cosine is lowered by its margin before the scale, so its
    /// logit by s * Delta_y.
    /// </summary>
    private static double RowLoss(double[] row, int y) =>
        LossReference.CrossEntropy(row.Select((z, c) => c == y ? z - Scale * Margins[y] : z).ToArray(), y);

    /// <summary>max_m 0.5 times (16 / n)^(1/4).</summary>
    private static readonly double[] Margins = [0.1, 0.2, 0.5];

    [Fact]
    public void LossAndGradientMatchTheFormulaAndItsFiniteDifferences()
    {
        double[] values = LossReference.RandomLogits(seed: 31, Targets.Length * Classes);
        double Reference(double[] v) => LossReference.WeightedMean(v, Classes, Targets, RowLoss);
        using var loss = Loss();
        loss.OnEpochStart(1);
        using var logits = LossReference.Leaf(values, Classes);
        using var targets = tensor(Targets);

        using var mean = loss.Forward(logits, targets);
        mean.backward();

        LossAssert.Close([Reference(values)], mean, 1e-12);
        LossAssert.Close(LossReference.Gradient(Reference, values), logits.grad!, 1e-7);
    }

    [Fact]
    public void DeferredReweightingSwitchesOnAtItsEpochAndNotBefore()
    {
        double[] values = LossReference.RandomLogits(seed: 32, Targets.Length * Classes);
        double[] weights = EffectiveNumber.ClassWeights(Counts, 0.9999);
        using var loss = Loss(drwEpoch: 8);
        using var logits = LossReference.Leaf(values, Classes);
        using var targets = tensor(Targets);
        double plain = LossReference.WeightedMean(values, Classes, Targets, RowLoss);
        double reweighted = LossReference.WeightedMean(values, Classes, Targets, RowLoss, c => weights[c]);
        Assert.True(Math.Abs(plain - reweighted) > 0.1, "the example must tell the two apart");

        foreach (int epoch in new[] { 1, 7, 8, 10, 3 })
        {
            loss.OnEpochStart(epoch);
            using var mean = loss.Forward(logits, targets);
            LossAssert.Close([epoch >= 8 ? reweighted : plain], mean, 1e-12);
        }
    }

    [Fact]
    public void ADrwEpochAfterTheLastEpochIsRejectedNamingTheKeyAndRange()
    {
        var error = Assert.Throws<BalmsException>(() => Loss(drwEpoch: 11, epochs: 10));

        Assert.Equal("'training.loss.drw_epoch' is 11, after the last of the stage's 10 epochs; it must be between 1 and 10", error.Message);
        using var lastEpoch = Loss(drwEpoch: 10, epochs: 10);
    }

    [Fact]
    public void TheLinearHeadIsRejected()
    {
        var error = Assert.Throws<BalmsException>(() =>
            new LdamLoss(new LdamLossOptions(), new LossContext(Counts, 10, new LinearHeadOptions())));

        Assert.Contains("model.head.type: cosine", error.Message);
    }
}
