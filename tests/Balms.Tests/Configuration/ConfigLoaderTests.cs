using Balms.Configuration;
using Balms.Tests.Fixtures;

namespace Balms.Tests.Configuration;

public class ConfigLoaderTests
{
    private const string Minimal = """
        name: test
        data:
          dataset: cifar10_lt
          imbalance_factor: 100
        training:
          loss: balanced_softmax
          batch_size: 64
          num_iterations: 1000
          schedule:
            type: warmup_cosine
            warmup_iterations: 100
        """;

    [Fact]
    public void BindsValuesAndKeepsDefaults()
    {
        var options = ConfigLoader.Parse(Minimal, "test.yaml");
        Assert.Equal(DatasetKind.Cifar10Lt, options.Data.Dataset);
        Assert.Equal(100, options.Data.ImbalanceFactor);
        Assert.IsType<BalancedSoftmaxLossOptions>(options.Training.Loss);
        Assert.Equal(64, options.Training.BatchSize);
        var schedule = Assert.IsType<WarmupCosineScheduleOptions>(options.Training.Schedule);
        Assert.Equal(100, schedule.WarmupIterations);
        Assert.Equal(0.1, schedule.WarmupLr);
        Assert.Equal(0.9, options.Training.Optimizer.Momentum);
        Assert.IsType<InstanceSamplerOptions>(options.Training.Sampler);
    }

    [Fact]
    public void SetOverridesByDottedPath()
    {
        var options = ConfigLoader.Parse(Minimal, "test.yaml", ["training.batch_size=32", "training.optimizer.lr=0.2", "data.dataset=cifar100_lt"]);
        Assert.Equal(32, options.Training.BatchSize);
        Assert.Equal(0.2, options.Training.Optimizer.Lr);
        Assert.Equal(DatasetKind.Cifar100Lt, options.Data.Dataset);
    }

    [Fact]
    public void UnknownKeyNamesTheKeyAndListsValidOnes()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Minimal + "\n  batchsize: 3\n", "test.yaml"));
        Assert.Contains("'training.batchsize'", error.Message);
        Assert.Contains("batch_size", error.Message);
        Assert.Contains("line", error.Message);
    }

    [Fact]
    public void WrongTypeNamesKeyAndExpectedType()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Minimal, "test.yaml", ["training.batch_size=abc"]));
        Assert.Contains("'training.batch_size' must be an integer", error.Message);
    }

    [Fact]
    public void OutOfRangeValueIsRejected()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Minimal, "test.yaml", ["data.imbalance_factor=0.5"]));
        Assert.Contains("'data.imbalance_factor' must be >= 1", error.Message);
    }

    [Fact]
    public void UnknownVariantListsValidTypes()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Minimal, "test.yaml", ["training.loss=arcface"]));
        Assert.Contains("unknown type 'arcface'", error.Message);
        Assert.Contains("balanced_softmax", error.Message);
        Assert.Contains("softmax", error.Message);
    }

    [Fact]
    public void AnUnknownTypeSetOnTheCommandLineIsBlamedOnTheCommandLine()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Minimal, "test.yaml", ["training.schedule.type=exponential"]));

        Assert.Contains("unknown type 'exponential' (--set training.schedule.type)", error.Message);
    }

    [Fact]
    public void UnknownEnumValueListsValidOnes()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Minimal, "test.yaml", ["data.dataset=mnist"]));
        Assert.Contains("fashion_mnist_lt", error.Message);
        Assert.Contains("cifar100_lt", error.Message);
    }

    [Fact]
    public void MalformedYamlGivesLineAndColumn()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("data:\n  dataset: [cifar10_lt\n", "bad.yaml"));
        Assert.Matches(@"bad\.yaml: malformed YAML at line \d+, column \d+", error.Message);
    }

    [Fact]
    public void DecoupledStageRequiresModelDir()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Minimal, "test.yaml", ["training.stage=decoupled"]));
        Assert.Contains("model_dir", error.Message);
    }

    [Fact]
    public void MetaSamplerRequiresDecoupledStage()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Minimal, "test.yaml", ["training.sampler.type=meta"]));
        Assert.Contains("decoupled", error.Message);
    }

    [Fact]
    public void CachedMetaFeaturesRequireFrozenBatchNorm()
    {
        string[] balms = ["training.stage=decoupled", "training.model_dir=runs/stage1", "training.sampler.type=meta",
            "training.sampler.cache_meta_features=true"];
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Minimal, "test.yaml", balms));
        Assert.Contains("'training.freeze_batch_norm: true'", error.Message);

        var options = ConfigLoader.Parse(Minimal, "test.yaml", [.. balms, "training.freeze_batch_norm=true"]);
        Assert.True(Assert.IsType<MetaSamplerOptions>(options.Training.Sampler).CacheMetaFeatures);
    }

    [Theory]
    [InlineData("name=", "'name'")]
    [InlineData("name=~", "'name'")]
    [InlineData("output.dir=", "'output.dir'")]
    [InlineData("training.optimizer.lr=nan", "'training.optimizer.lr' must be a finite number")]
    [InlineData("training.optimizer.momentum=Infinity", "'training.optimizer.momentum' must be a finite number")]
    [InlineData("training.optimizer.weight_decay=1e999", "'training.optimizer.weight_decay' must be a finite number")]
    [InlineData("data.skip_bad_images=true", "'data.skip_bad_images' applies to imagenet_lt and places_lt only")]
    [InlineData("model.allow_slow_bfloat16=true", "'model.allow_slow_bfloat16' applies to 'model.precision: bfloat16' only")]
    public void ValuesThatCannotWorkAreRejectedNamingTheKey(string assignment, string expected)
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Minimal, "test.yaml", [assignment]));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void IterationsAndEpochsAreExclusive()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Minimal, "test.yaml", ["training.num_epochs=3"]));
        Assert.Contains("exactly one", error.Message);
    }

    [Fact]
    public void AConfigOfNonDefaultValuesIsWrittenAndReadBackUnchanged()
    {
        // Resume compares the run's written config.yaml with the new one, so every value must survive the round trip:
        // strings with a colon or spaces, doubles, nested options of every kind.
        const string yaml = """
            name: "study: one"
            seed: 11
            device: cpu
            data:
              dataset: image_folder
              root: /data/my images/pets
              image_size: 96
              holdout_fraction: 0.25
              val_fraction: 0.15
              data_seed: 4
              workers: 3
              prefetch: 2
            model: {backbone: resnet10, precision: bfloat16, allow_slow_bfloat16: true, pretrained: /weights/a b.pth}
            training:
              stage: decoupled
              model_dir: runs/stage one
              freeze_batch_norm: true
              loss: balanced_softmax
              sampler: {type: meta, meta_batch_size: 24, init_pow: 0.3, lr: 0.002, cache_meta_features: true}
              batch_size: 12
              num_epochs: 7
              max_steps_per_epoch: 5
              checkpoint_every_steps: 3
              optimizer: {lr: 0.123, momentum: 0.85, weight_decay: 0.0001, backbone_lr: 0.0456}
              schedule: {type: cosine, end_lr: 0.001}
              eval_every: 2
            output: {dir: "runs/a: b"}
            """;
        var options = ConfigLoader.Parse(yaml, "rich.yaml");
        var again = ConfigLoader.Parse(ConfigWriter.ToYaml(options), "resolved.yaml");

        Assert.Equal(options.Data, again.Data);
        Assert.Equal(options.Model, again.Model);
        Assert.Equal(options.Training, again.Training);
        Assert.Equal(options, again);
        Assert.Equal(("study: one", "/data/my images/pets", 0.0456, "runs/a: b"),
            (again.Name, again.Data.Root, again.Training.Optimizer.BackboneLr, again.Output.Dir));
    }

    [Fact]
    public void WrittenConfigReadsBackToTheSameOptions()
    {
        var options = ConfigLoader.Parse(Minimal, "test.yaml", ["training.sampler.type=class_aware", "training.sampler.samples_per_class=2"]);
        string yaml = ConfigWriter.ToYaml(options);
        var again = ConfigLoader.Parse(yaml, "resolved.yaml");
        Assert.Equal(ConfigWriter.ToYaml(again), yaml);
        Assert.Equal(2, Assert.IsType<ClassAwareSamplerOptions>(again.Training.Sampler).SamplesPerClass);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    public void AnEmptyFileIsRefusedEvenWhenSetGivesTheRequiredKey(string yaml)
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, "blank.yaml", ["training.num_epochs=1"]));

        Assert.Equal("blank.yaml is empty: it holds no settings; a config names at least training.num_epochs or training.num_iterations (see the files in configs/)", error.Message);
    }

    [Fact]
    public void AFolderGivenAsTheConfigIsNamedAsAFolderWithTheConfigsItHolds()
    {
        using var folder = new TempDirectory();
        foreach (string name in new[] { "b.yaml", "a.yaml", "notes.txt" }) File.WriteAllText(folder.Combine(name), "name: x\n");

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(folder.Path));

        Assert.Equal($"{folder.Path} is a folder, not a config file; it holds a.yaml, b.yaml", error.Message);
    }
}
