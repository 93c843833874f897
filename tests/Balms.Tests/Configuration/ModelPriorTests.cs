using Balms.Configuration;

namespace Balms.Tests.Configuration;

public class ModelPriorTests
{
    public static TheoryData<LossOptions, SamplerOptions, string> Stages => new()
    {
        { new SoftmaxLossOptions(), new InstanceSamplerOptions(), "train" },
        { new SoftmaxLossOptions(), new ClassAwareSamplerOptions(), "balanced" },
        { new BalancedSoftmaxLossOptions(), new InstanceSamplerOptions(), "balanced" },
        { new BalancedSoftmaxLossOptions(), new MetaSamplerOptions(), "balanced" },
        // Balanced Softmax on class-balanced batches over-balances (Ren et al., section 3.3): pi_train^-1.
        { new BalancedSoftmaxLossOptions(), new ClassAwareSamplerOptions(), "train^-1" },
        { new LogitAdjustedLossOptions { Tau = 0.5 }, new InstanceSamplerOptions(), "train^0.5" },
        { new LogitAdjustedLossOptions { Tau = 1 }, new InstanceSamplerOptions(), "balanced" },
        { new LogitAdjustedLossOptions { Tau = 0.7 }, new InstanceSamplerOptions(), "train^0.3" },
        { new FocalLossOptions(), new InstanceSamplerOptions(), "train" },
        { new ClassBalancedLossOptions { Beta = 0.999 }, new InstanceSamplerOptions(), "train/effective_number(0.999)" },
        { new ClassBalancedLossOptions { Beta = 0.99 }, new ClassAwareSamplerOptions(), "balanced/effective_number(0.99)" },
        { new LdamLossOptions(), new InstanceSamplerOptions(), "train" },
        { new LdamLossOptions { DrwEpoch = 3 }, new InstanceSamplerOptions(), "train/effective_number(0.9999)" },
    };

    [Theory]
    [MemberData(nameof(Stages))]
    public void TheModelPriorFollowsTheLossAndSampler(LossOptions loss, SamplerOptions sampler, string key)
    {
        var training = new TrainingOptions { Loss = loss, Sampler = sampler };

        // Checkpoints hold the key, so it must stay the same text and read back as the same prior.
        Assert.Equal(key, ModelPriors.KeyFor(training));
        Assert.Equal(ModelPriors.Of(training), ModelPrior.Parse(key, "key"));
    }

    [Fact]
    public void TheDistributionIsTheCountsToThePowerOverTheEffectiveNumbers()
    {
        long[] counts = [16, 4, 1];

        Assert.Equal([1.0 / 3, 1.0 / 3, 1.0 / 3], ModelPrior.Balanced.Distribution(counts));
        Assert.Equal([16.0 / 21, 4.0 / 21, 1.0 / 21], ModelPrior.Train.Distribution(counts));
        // sqrt: 4, 2, 1.
        Fixtures.Numeric.AssertClose([4.0 / 7, 2.0 / 7, 1.0 / 7], ModelPrior.Parse("train^0.5", "key").Distribution(counts), 1e-15);
        // n / E_0.5(n) with E_0.5(n) = 2 (1 - 2^-n): 16 / (2 - 2^-15), 4 / 1.875, 1 / 1.
        double[] weighted = [16 / (2 - Math.Pow(2, -15)), 4 / 1.875, 1];
        double[] expected = weighted.Select(w => w / weighted.Sum()).ToArray();
        Fixtures.Numeric.AssertClose(expected, ModelPrior.Parse("train/effective_number(0.5)", "key").Distribution(counts), 1e-13);
    }

    [Theory]
    [InlineData("uniform", 0.0, null)]
    [InlineData("Balanced", 0.0, null)]
    [InlineData("train^-0.25", -0.25, null)]
    [InlineData("train^2/effective_number(0.9)", 2.0, 0.9)]
    [InlineData(" train ", 1.0, null)]
    public void KeysAreRead(string key, double power, double? beta) =>
        Assert.Equal(new ModelPrior(power, beta), ModelPrior.Parse(key, "key"));

    [Theory]
    [InlineData("tail")]
    [InlineData("train^")]
    [InlineData("train^x")]
    [InlineData("balanced/effective_number(1.5)")]
    [InlineData("prior.json")]
    public void OtherTextIsNoPrior(string text)
    {
        Assert.False(ModelPrior.TryParse(text, out _));
        var error = Assert.Throws<BalmsException>(() => ModelPrior.Parse(text, "--model-prior"));
        Assert.StartsWith($"--model-prior: unknown class prior '{text}'; valid: balanced", error.Message);
    }

    [Fact]
    public void TheChosenPriorWinsThenTheRecordedOneThenBalanced()
    {
        Assert.Equal(ModelPrior.Balanced, ModelPriors.Resolve(ModelPrior.Balanced, "train", "run.safetensors"));
        Assert.Equal(ModelPrior.Train, ModelPriors.Resolve(null, "train", "run.safetensors"));
        Assert.Equal(new ModelPrior(0.5), ModelPriors.Resolve(null, "train^0.5", "run.safetensors"));
        Assert.Equal(ModelPrior.Balanced, ModelPriors.Resolve(null, null, "run.safetensors"));
        var error = Assert.Throws<BalmsException>(() => ModelPriors.Resolve(null, "tail", "run.safetensors"));
        Assert.Contains("run.safetensors", error.Message);
    }
}
