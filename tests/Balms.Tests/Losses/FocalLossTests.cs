using Balms.Configuration;
using Balms.Losses;
using Balms.Tests.Fixtures;
using static TorchSharp.torch;

namespace Balms.Tests.Losses;

public class FocalLossTests
{
    private static readonly long[] Targets = [0, 3, 1, 3, 2];
    private const int Classes = 4;

    private static FocalLoss Loss(double gamma) => new(new FocalLossOptions { Gamma = gamma }, new LossContext([5, 4, 3, 2], Epochs: 1));

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void LossAndGradientMatchTheFormulaAndItsFiniteDifferences(double gamma)
    {
        double[] values = LossReference.RandomLogits(seed: 11, Targets.Length * Classes);
        double Reference(double[] v) => LossReference.WeightedMean(v, Classes, Targets, (row, y) => LossReference.Focal(row, y, gamma));
        using var loss = Loss(gamma);
        using var logits = LossReference.Leaf(values, Classes);
        using var targets = tensor(Targets);

        using var mean = loss.Forward(logits, targets);
        mean.backward();

        LossAssert.Close([Reference(values)], mean, 1e-12);
        LossAssert.Close(LossReference.Gradient(Reference, values), logits.grad!, 1e-7);
    }

    [Fact]
    public void GammaZeroIsSoftmaxCrossEntropy()
    {
        using var logits = LossReference.Leaf(LossReference.RandomLogits(seed: 12, Targets.Length * Classes), Classes);
        using var targets = tensor(Targets);
        using var loss = Loss(0);

        LossAssert.Close(Numeric.Values(new SoftmaxCrossEntropy().PerSample(logits, targets)), loss.PerSample(logits, targets), 1e-12);
    }

    [Fact]
    public void ConfidentSamplesCostLessThanUnderCrossEntropyAndGiveNoNaN()
    {
        // p_y = 0.9 costs (0.1)^2 of its cross-entropy at gamma 2; a saturated p_y = 1 (logit gap 1000) costs 0 with a
        // zero gradient, where (1 - p)^gamma with gamma < 1 has an infinite derivative.
        using var logits = tensor(new[] { Math.Log(9), 0, 1000, 0 }, float64).reshape(2, 2).requires_grad_(true);
        using var targets = tensor(new long[] { 0, 0 });
        using var loss = Loss(2);
        using var small = Loss(0.5);

        LossAssert.Close([0.01 * -Math.Log(0.9), 0], loss.PerSample(logits, targets), 1e-12);
        small.Forward(logits, targets).backward();
        Assert.All(Numeric.Values(logits.grad!), g => Assert.True(double.IsFinite(g)));
    }
}
