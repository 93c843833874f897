using Balms.Configuration;

namespace Balms.Tests.Configuration;

public class ModelPriorTests
{
    [Theory]
    [InlineData("softmax", "instance", ModelPrior.Train, "train")]
    [InlineData("softmax", "class_aware", ModelPrior.Balanced, "balanced")]
    [InlineData("balanced_softmax", "instance", ModelPrior.Balanced, "balanced")]
    [InlineData("balanced_softmax", "meta", ModelPrior.Balanced, "balanced")]
    public void TheModelPriorFollowsTheLossAndSampler(string loss, string sampler, ModelPrior expected, string key)
    {
        var training = new TrainingOptions
        {
            Loss = loss == "softmax" ? new SoftmaxLossOptions() : new BalancedSoftmaxLossOptions(),
            Sampler = sampler switch
            {
                "instance" => new InstanceSamplerOptions(),
                "class_aware" => new ClassAwareSamplerOptions(),
                _ => new MetaSamplerOptions(),
            },
        };

        Assert.Equal(expected, ModelPriors.Of(training));
        // Checkpoints hold the key, so it must stay the same text.
        Assert.Equal(key, ModelPriors.KeyFor(training));
        Assert.Equal(expected, ModelPriors.Parse(key, "key"));
    }

    [Fact]
    public void TheChosenPriorWinsThenTheRecordedOneThenBalanced()
    {
        Assert.Equal(ModelPrior.Balanced, ModelPriors.Resolve(ModelPrior.Balanced, "train", "run.safetensors"));
        Assert.Equal(ModelPrior.Train, ModelPriors.Resolve(null, "train", "run.safetensors"));
        Assert.Equal(ModelPrior.Balanced, ModelPriors.Resolve(null, null, "run.safetensors"));
        var error = Assert.Throws<BalmsException>(() => ModelPriors.Resolve(null, "tail", "run.safetensors"));
        Assert.Contains("run.safetensors", error.Message);
    }
}
