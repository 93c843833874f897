using Balms.Configuration;
using Balms.Losses;
using Balms.Tests.Fixtures;
using static TorchSharp.torch;

namespace Balms.Tests.Losses;

public class LogitAdjustedLossTests
{
    private static readonly long[] Counts = [6, 3, 1];
    private static readonly long[] Targets = [2, 0, 1, 2];
    private const int Classes = 3;

    private static LogitAdjustedLoss Loss(double tau, long[]? counts = null) =>
        new(new LogitAdjustedLossOptions { Tau = tau }, new LossContext(counts ?? Counts, Epochs: 1));

    /// <summary>Menon et al.'s loss row by row: -log softmax(z + tau * log pi)_y, with pi = n / sum(n).</summary>
    private static double Reference(double[] flatLogits, double tau) =>
        LossReference.WeightedMean(flatLogits, Classes, Targets, (row, y) =>
            LossReference.CrossEntropy(row.Select((z, c) => z + tau * Math.Log(Counts[c] / 10.0)).ToArray(), y));

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void LossAndGradientMatchTheFormulaAndItsFiniteDifferences(double tau)
    {
        double[] values = LossReference.RandomLogits(seed: 3, Targets.Length * Classes);
        using var loss = Loss(tau);
        using var logits = LossReference.Leaf(values, Classes);
        using var targets = tensor(Targets);

        using var mean = loss.Forward(logits, targets);
        mean.backward();

        LossAssert.Close([Reference(values, tau)], mean, 1e-12);
        LossAssert.Close(LossReference.Gradient(v => Reference(v, tau), values), logits.grad!, 1e-7);
    }

    [Fact]
    public void TheGradientIsTheAdjustedSoftmaxMinusTheLabel()
    {
        double[] values = LossReference.RandomLogits(seed: 4, Targets.Length * Classes);
        using var loss = Loss(0.7);
        using var logits = LossReference.Leaf(values, Classes);
        using var targets = tensor(Targets);

        loss.Forward(logits, targets).backward();

        // (softmax(z + tau log pi) - one-hot) / B, the closed form of the mean's gradient.
        var expected = LossReference.Rows(values, Classes).SelectMany((row, i) =>
            LossReference.Softmax(row.Select((z, c) => z + 0.7 * Math.Log(Counts[c] / 10.0)).ToArray())
                .Select((p, c) => (p - (c == Targets[i] ? 1 : 0)) / Targets.Length)).ToArray();
        LossAssert.Close(expected, logits.grad!, 1e-12);
    }

    [Fact]
    public void TauOneIsBalancedSoftmax()
    {
        double[] values = LossReference.RandomLogits(seed: 5, Targets.Length * Classes);
        using var adjusted = Loss(1.0);
        using var balanced = new BalancedSoftmax(Counts);
        using var logits = LossReference.Leaf(values, Classes);
        using var targets = tensor(Targets);

        using var a = adjusted.PerSample(logits, targets);
        using var b = balanced.PerSample(logits, targets);

        LossAssert.Close(Numeric.Values(b), a, 1e-12);
        // And Balanced Softmax's own hand computation: logits 0 with counts [4, 2, 1] cost ln 7 for the rarest label.
        using var handLoss = new LogitAdjustedLoss(new LogitAdjustedLossOptions(), new LossContext([4, 2, 1], Epochs: 1));
        using var zeroLogits = zeros(1, 3, float64);
        using var rare = tensor(new long[] { 2 });
        LossAssert.Close([Math.Log(7)], handLoss.PerSample(zeroLogits, rare), 1e-12);
    }

    [Fact]
    public void TauZeroIsSoftmaxCrossEntropyEvenWithAnEmptyClass()
    {
        double[] values = LossReference.RandomLogits(seed: 6, Targets.Length * Classes);
        using var adjusted = Loss(0.0, counts: [6, 0, 1]);
        using var logits = LossReference.Leaf(values, Classes);
        using var targets = tensor(Targets);

        using var perSample = adjusted.PerSample(logits, targets);

        LossAssert.Close(Numeric.Values(new SoftmaxCrossEntropy().PerSample(logits, targets)), perSample, 1e-12);
    }

    [Fact]
    public void AnEmptyClassIsRejectedWhenTauIsPositive()
    {
        var error = Assert.Throws<BalmsException>(() => Loss(0.5, counts: [6, 0, 1]));

        Assert.Contains("logit-adjusted loss", error.Message);
        Assert.Contains("class 1", error.Message);
    }
}
