using Balms.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Tests.Losses;

public class BalancedSoftmaxTests
{
    private static readonly long[] Counts = [4, 2, 1];

    /// <summary>
    /// Row 0: logits 0, so the prior-weighted softmax is n/Σn = [4/7, 2/7, 1/7]; label 2 costs ln 7.
    /// Row 1: logits −log n cancel the prior, giving [1/3, 1/3, 1/3]; label 0 costs ln 3.
    /// </summary>
    private static (Tensor logits, Tensor targets) TwoByThreeExample(ScalarType dtype)
    {
        var logits = tensor(new[] { 0, 0, 0, -Math.Log(4), -Math.Log(2), 0 }, dtype).reshape(2, 3);
        var targets = tensor(new long[] { 2, 0 });
        return (logits, targets);
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void PerSampleLossMatchesHandComputation(ScalarType dtype)
    {
        using var loss = new BalancedSoftmax(Counts);
        var (logits, targets) = TwoByThreeExample(dtype);
        using var _ = logits;
        using var __ = targets;

        using var perSample = loss.PerSample(logits, targets);

        Assert.Equal(dtype, perSample.dtype);
        LossAssert.Close([Math.Log(7), Math.Log(3)], perSample, LossAssert.ToleranceFor(dtype));
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void MeanLossAndItsGradientMatchHandComputation(ScalarType dtype)
    {
        using var loss = new BalancedSoftmax(Counts);
        var (logits, targets) = TwoByThreeExample(dtype);
        using var _ = targets;
        using var leaf = logits.requires_grad_(true);

        using var mean = loss.Forward(leaf, targets);
        mean.backward();

        LossAssert.Close([(Math.Log(7) + Math.Log(3)) / 2], mean, LossAssert.ToleranceFor(dtype));
        // (prior-weighted softmax − one-hot) / B
        double[] expectedGradient =
        [
            (4.0 / 7) / 2, (2.0 / 7) / 2, (1.0 / 7 - 1) / 2,
            (1.0 / 3 - 1) / 2, (1.0 / 3) / 2, (1.0 / 3) / 2,
        ];
        LossAssert.Close(expectedGradient, leaf.grad!, LossAssert.ToleranceFor(dtype));
    }

    [Fact]
    public void EqualCountsGiveThePlainSoftmaxCrossEntropy()
    {
        using var loss = new BalancedSoftmax([7, 7, 7, 7, 7]);
        var plain = new SoftmaxCrossEntropy();
        using var logits = randn(4, 5, dtype: ScalarType.Float64);
        using var targets = tensor(new long[] { 0, 4, 2, 2 });

        using var balanced = loss.PerSample(logits, targets);
        using var reference = plain.PerSample(logits, targets);

        Assert.True(balanced.allclose(reference, rtol: 0, atol: 1e-12));
    }

    [Fact]
    public void CountsAndFrequenciesGiveTheSameLoss()
    {
        using var fromCounts = new BalancedSoftmax([40, 12, 3]);
        using var fromScaledCounts = new BalancedSoftmax([400, 120, 30]);
        using var logits = randn(6, 3, dtype: ScalarType.Float64);
        using var targets = tensor(new long[] { 0, 1, 2, 2, 1, 0 });

        using var a = fromCounts.PerSample(logits, targets);
        using var b = fromScaledCounts.PerSample(logits, targets);

        Assert.True(a.allclose(b, rtol: 0, atol: 1e-12));
    }

    [Fact]
    public void LogPriorSurvivesTheCallersDisposeScopeAndFollowsTheDtype()
    {
        using var loss = new BalancedSoftmax(Counts);
        using var targets = tensor(new long[] { 2, 0 });
        using (NewDisposeScope())
        {
            var (logits, _) = TwoByThreeExample(ScalarType.Float32);
            loss.PerSample(logits, targets);
        }

        var (doubleLogits, _) = TwoByThreeExample(ScalarType.Float64);
        using var __ = doubleLogits;
        using var perSample = loss.PerSample(doubleLogits, targets);

        LossAssert.Close([Math.Log(7), Math.Log(3)], perSample, 1e-12);
    }

    [Fact]
    public void ZeroCountIsRejectedNamingTheClass()
    {
        var error = Assert.Throws<BalmsException>(() => new BalancedSoftmax([5, 0, 2]));

        Assert.Contains("class 1", error.Message);
        Assert.Contains("log n_c", error.Message);
        Assert.Contains("zero-shot", error.Message);
    }

    [Fact]
    public void LogitsForAnotherNumberOfClassesAreRejected()
    {
        using var loss = new BalancedSoftmax(Counts);
        using var logits = zeros(2, 4);
        using var targets = tensor(new long[] { 0, 1 });

        var error = Assert.Throws<BalmsException>(() => loss.PerSample(logits, targets));

        Assert.Contains("3 classes", error.Message);
        Assert.Contains("[2, 4]", error.Message);
    }
}
