using Balms.Configuration;

namespace Balms.Tests.Configuration;

/// <summary>The config keys of the long-tail methods: their values bind, and a value out of range or a combination
/// that cannot work is one line naming the key and what is allowed.</summary>
public class LossMethodConfigTests
{
    private const string EndToEnd = """
        name: test
        training:
          batch_size: 64
          num_epochs: 10
        """;

    private const string StageTwo = """
        name: test
        training:
          stage: decoupled
          model_dir: runs/stage1
          reset_classifier: false
          batch_size: 64
          num_epochs: 10
        """;

    private static ExperimentOptions Parse(string yaml, params string[] overrides) => ConfigLoader.Parse(yaml, "test.yaml", overrides);

    [Fact]
    public void EveryMethodsKeysBind()
    {
        var la = Parse(EndToEnd, "training.loss={type: logit_adjusted, tau: 1.5}").Training;
        var cb = Parse(EndToEnd, "training.loss={type: class_balanced, beta: 0.99, gamma: 0.5}").Training;
        var ldam = Parse(EndToEnd, "training.loss={type: ldam, max_m: 0.4, drw_epoch: 8, drw_beta: 0.999}", "model.head={type: cosine, scale: 16}");
        var mixup = Parse(EndToEnd, "training.mix={type: cutmix, alpha: 0.5}").Training;
        var weightBalancing = Parse(StageTwo, "training.loss={type: class_balanced}", "training.max_norm={threshold: 0.2}").Training;

        Assert.Equal(1.5, Assert.IsType<LogitAdjustedLossOptions>(la.Loss).Tau);
        Assert.Equal(new ClassBalancedLossOptions { Beta = 0.99, Gamma = 0.5 }, cb.Loss);
        Assert.Equal(new LdamLossOptions { MaxM = 0.4, DrwEpoch = 8, DrwBeta = 0.999 }, ldam.Training.Loss);
        Assert.Equal(new CosineHeadOptions { Scale = 16 }, ldam.Model.Head);
        Assert.Equal(new CutMixOptions { Alpha = 0.5 }, mixup.Mix);
        Assert.Equal(0.2, weightBalancing.MaxNorm!.Threshold);
        Assert.Equal(new FocalLossOptions { Gamma = 1 }, Parse(EndToEnd, "training.loss=focal").Training.Loss);
    }

    [Fact]
    public void AResolvedConfigWithTheNewKeysReadsBackTheSame()
    {
        var options = Parse(StageTwo, "training.loss={type: ldam, drw_epoch: 8}", "model.head=cosine", "training.max_norm=null");
        var mixed = Parse(EndToEnd, "training.mix={type: mixup, alpha: 0.2}", "training.loss={type: logit_adjusted, tau: 0.5}");

        Assert.Equal(ConfigWriter.ToYaml(options), ConfigWriter.ToYaml(ConfigLoader.Parse(ConfigWriter.ToYaml(options), "config.yaml")));
        Assert.Equal(ConfigWriter.ToYaml(mixed), ConfigWriter.ToYaml(ConfigLoader.Parse(ConfigWriter.ToYaml(mixed), "config.yaml")));
    }

    [Theory]
    [InlineData("training.loss={type: logit_adjusted, tau: -0.5}", "'training.loss.tau' must be between 0 and 5, got -0.5")]
    [InlineData("training.loss={type: logit_adjusted, tau: 6}", "'training.loss.tau' must be between 0 and 5, got 6")]
    [InlineData("training.loss={type: class_balanced, beta: 1.2}", "'training.loss.beta' must be between 0 and 1, got 1.2")]
    [InlineData("training.loss={type: class_balanced, gamma: -1}", "'training.loss.gamma' must be between 0 and 10, got -1")]
    [InlineData("training.loss={type: focal, gamma: 11}", "'training.loss.gamma' must be between 0 and 10, got 11")]
    [InlineData("training.loss={type: ldam, max_m: 3}", "'training.loss.max_m' must be between 0 and 2, got 3")]
    [InlineData("training.loss={type: ldam, drw_epoch: 0}", "'training.loss.drw_epoch' must be >= 1, got 0")]
    [InlineData("training.loss={type: ldam, drw_beta: -0.1}", "'training.loss.drw_beta' must be between 0 and 1, got -0.1")]
    [InlineData("training.mix={type: mixup, alpha: 0}", "'training.mix.alpha' must be > 0 and <= 100, got 0")]
    [InlineData("training.mix={type: cutmix, alpha: -1}", "'training.mix.alpha' must be > 0 and <= 100, got -1")]
    [InlineData("model.head={type: cosine, scale: 0.5}", "'model.head.scale' must be between 1 and 100, got 0.5")]
    public void AValueOutOfRangeNamesTheKeyAndTheRange(string assignment, string message)
    {
        var error = Assert.Throws<ConfigException>(() => Parse(EndToEnd, assignment));

        Assert.StartsWith(message + " (--set ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void TheMaxNormThresholdHasItsRange()
    {
        var error = Assert.Throws<ConfigException>(() => Parse(StageTwo, "training.max_norm={threshold: 1.5}"));

        Assert.StartsWith("'training.max_norm.threshold' must be between 0 and 1, got 1.5", error.Message);
    }

    [Theory]
    [InlineData(false, "training.loss=ldam", "'training.loss.type: ldam' needs 'model.head.type: cosine', got 'linear'")]
    [InlineData(false, "training.max_norm={threshold: 0.1}", "'training.max_norm' constrains the classifier a stage starts from")]
    [InlineData(true, "training.mix=mixup", "'training.mix' (mixup, CutMix) applies to end-to-end training only")]
    [InlineData(true, "training.reset_classifier=true;training.max_norm={threshold: 0.1}", "'training.max_norm' constrains the classifier a stage starts from")]
    [InlineData(true, "model.head=cosine;training.max_norm={threshold: 0.1}", "'training.max_norm' constrains the per-class weights of the linear classifier; the cosine head has none")]
    [InlineData(true, "model.head=cosine;training.sampler=meta", "'training.sampler.type: meta' (BALMS) needs 'model.head.type: linear', got 'cosine'")]
    public void ACombinationThatCannotWorkIsOneLine(bool stageTwo, string assignments, string message)
    {
        var error = Assert.Throws<ConfigException>(() => Parse(stageTwo ? StageTwo : EndToEnd, assignments.Split(';')));

        Assert.StartsWith(message, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
