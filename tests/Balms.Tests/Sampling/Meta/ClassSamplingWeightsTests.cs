using Balms.Sampling.Meta;

namespace Balms.Tests.Sampling.Meta;

public class ClassSamplingWeightsTests
{
    [Fact]
    public void InitialLogitsFollowTheOriginalFormula()
    {
        // n = (6, 3, 1), init_pow 0.5: p = (0.6, 0.3, 0.1), u = p^-0.5 = (1.29099, 1.82574, 3.16228),
        // u / (1.29099 + 3.16228) = (0.289898, 0.409978, 0.710102), w = log u - log(1 - u).
        var expected = new[] { -0.8958797346140274, -0.3640579345953422, 0.8958797346140274 };

        var logits = ClassSamplingWeights.InitialLogits([6, 3, 1], initPow: 0.5);

        Assert.Equal(expected.Length, logits.Length);
        for (int c = 0; c < expected.Length; c++)
            Assert.Equal(expected[c], logits[c], 1e-12);
    }

    [Fact]
    public void InitPowZeroGivesEqualWeightsOfOneHalf()
    {
        using var weights = new ClassSamplingWeights([500, 50, 5, 1], initPow: 0, learningRate: 0.01);

        Assert.All(weights.LogitValues(), w => Assert.Equal(0.0, w, 1e-15));
        Assert.All(weights.SamplingWeights(), s => Assert.Equal(0.5, s, 1e-15));
    }

    [Fact]
    public void ClassProbabilitiesAreProportionalToCountsTimesWeights()
    {
        using var weights = new ClassSamplingWeights([8, 4, 2], initPow: 0.3, learningRate: 0.01);
        var logits = new[] { -1.0, 0.5, 2.0 };
        weights.LoadState(new MetaSamplerState(logits, new double[3], new double[3], 0), "test");

        var s = logits.Select(w => 1 / (1 + Math.Exp(-w))).ToArray();
        var mass = new[] { 8 * s[0], 4 * s[1], 2 * s[2] };
        var probabilities = weights.ClassProbabilities();

        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(s[c], weights.SamplingWeights()[c], 1e-15);
            Assert.Equal(mass[c] / mass.Sum(), probabilities[c], 1e-15);
        }
    }

    [Fact]
    public void InitialClassProbabilitiesScaleAsCountsToOneMinusInitPow()
    {
        const double initPow = 0.3;
        long[] counts = [400, 60, 9];
        using var weights = new ClassSamplingWeights(counts, initPow, learningRate: 0.001);

        var probabilities = weights.ClassProbabilities();

        for (int c = 1; c < counts.Length; c++)
            Assert.Equal(Math.Pow((double)counts[0] / counts[c], 1 - initPow), probabilities[0] / probabilities[c], 1e-10);
    }

    [Fact]
    public void ApplyGradientTakesAnAdamStepAndStateRoundTrips()
    {
        using var weights = new ClassSamplingWeights([3, 2, 1], initPow: 0, learningRate: 0.1);

        weights.ApplyGradient([2.0, -0.5, 0.0]);

        // First Adam step: m̂ = g, v̂ = g², so Δw = −lr·g/(|g| + 1e-8): −0.1·sign(g) for nonzero g.
        var logits = weights.LogitValues();
        Assert.Equal(-0.1, logits[0], 1e-8);
        Assert.Equal(0.1, logits[1], 1e-8);
        Assert.Equal(0.0, logits[2], 1e-15);

        var state = weights.GetState();
        using var restored = new ClassSamplingWeights([3, 2, 1], initPow: 0, learningRate: 0.1);
        restored.LoadState(state, "checkpoint");
        weights.ApplyGradient([1.0, 1.0, 1.0]);
        restored.ApplyGradient([1.0, 1.0, 1.0]);
        Assert.Equal(weights.LogitValues(), restored.LogitValues());
        Assert.Equal(2, restored.GetState().AdamStep);
    }

    [Fact]
    public void RejectsEmptyClassesAndMismatchedState()
    {
        var empty = Assert.Throws<BalmsException>(() => ClassSamplingWeights.InitialLogits([5, 0, 2], 0));
        Assert.Contains("class 1", empty.Message);

        using var weights = new ClassSamplingWeights([3, 2], initPow: 0, learningRate: 0.01);
        var wrongSize = new MetaSamplerState(new double[3], new double[3], new double[3], 0);
        var mismatch = Assert.Throws<BalmsException>(() => weights.LoadState(wrongSize, "ckpt.bin"));
        Assert.Contains("ckpt.bin", mismatch.Message);
    }
}
