using Balms.Configuration;
using Balms.Tests.Fixtures;

namespace Balms.Tests.Configuration;

/// <summary>Regression tests of the experiment files under configs/: they load, and carry the original's values.</summary>
public class ShippedConfigsTests
{
    private static readonly string ConfigsFolder = Path.Combine(Repository.Root, "configs");

    private static IEnumerable<string> ShippedConfigPaths() =>
        Directory.GetFiles(ConfigsFolder, "*.yaml", SearchOption.AllDirectories).Order().Select(file => Path.GetRelativePath(ConfigsFolder, file));

    public static TheoryData<string> ShippedConfigs() => new(ShippedConfigPaths());

    [Theory]
    [MemberData(nameof(ShippedConfigs))]
    public void EveryShippedConfigLoads(string relativePath)
    {
        var options = ConfigLoader.Load(Path.Combine(ConfigsFolder, relativePath));

        Assert.False(string.IsNullOrWhiteSpace(options.Name));
    }

    /// <summary>Every shipped stage-2 config that starts from a stage 1 of ours (or, like Places-LT's, from its folder).</summary>
    public static TheoryData<string> StageTwoConfigsOnOurStageOne()
    {
        var data = new TheoryData<string>();
        foreach (string relativePath in ShippedConfigPaths())
        {
            var training = Load(relativePath).Training;
            if (training.Stage == TrainingStage.Decoupled && !training.ModelDir!.EndsWith(".pth")) data.Add(relativePath);
        }
        return data;
    }

    private static ExperimentOptions Load(string relativePath) => ConfigLoader.Load(Path.Combine(ConfigsFolder, relativePath));

    [Theory]
    [MemberData(nameof(StageTwoConfigsOnOurStageOne))]
    public void EveryStageTwoStartsFromAShippedStageOneOnTheSameData(string relativePath)
    {
        var stageTwo = Load(relativePath);
        string modelDir = stageTwo.Training.ModelDir!;
        // A run of several seeds (`train --seeds`) keeps each seed's run in seed_N under its output.dir.
        var stageOnes = ShippedConfigPaths().Select(Load)
            .Where(options => options.Training.Stage == TrainingStage.EndToEnd
                && (modelDir == options.Output.Dir || modelDir.StartsWith(options.Output.Dir + "/seed_")))
            .ToList();
        var stageOne = Assert.Single(stageOnes);
        // Every data setting that selects or prepares images (threads and prefetch aside), or a stage 2 refuses its
        // stage 1; a stage 2 that draws its own subset differs in the seed of that draw, and must.
        bool redraw = stageTwo.Training.Stage2Subset == Stage2Subset.Redraw;
        DataOptions Selection(ExperimentOptions options) => options.Data with { Workers = 0, Prefetch = 0, DataSeed = redraw ? 0 : options.Data.DataSeed };
        Assert.Equal(Selection(stageOne), Selection(stageTwo));
        if (redraw) Assert.NotEqual(stageOne.Data.DataSeed, stageTwo.Data.DataSeed);
        Assert.Equal(stageOne.Model.Backbone, stageTwo.Model.Backbone);
    }

    /// <summary>The original's CIFAR-LT stage 2 draws a new subset every run (it seeds nothing); ours do the same, seeded.</summary>
    [Theory]
    [InlineData("CIFAR10_LT/decouple_balanced_softmax_imba200.yaml")]
    [InlineData("CIFAR10_LT/balms_imba200.yaml")]
    [InlineData("CIFAR100_LT/decouple_balanced_softmax_imba200.yaml")]
    [InlineData("CIFAR100_LT/balms_imba200.yaml")]
    public void CifarStageTwoConfigsDrawTheirOwnSubset(string relativePath) =>
        Assert.Equal(Stage2Subset.Redraw, Load(relativePath).Training.Stage2Subset);

    private static readonly string[] MethodDatasets = ["FashionMNIST_LT", "CIFAR10_LT", "CIFAR100_LT"];

    /// <summary>Each method's config file stem and how its options show it.</summary>
    private static readonly Dictionary<string, Func<TrainingOptions, bool>> Methods = new()
    {
        ["logit_adjusted"] = t => t.Loss is LogitAdjustedLossOptions { Tau: 1 },
        ["focal"] = t => t.Loss is FocalLossOptions { Gamma: 1 },
        ["class_balanced"] = t => t.Loss is ClassBalancedLossOptions { Beta: 0.9999, Gamma: 0 },
        ["class_balanced_focal"] = t => t.Loss is ClassBalancedLossOptions { Beta: 0.9999, Gamma: 1 },
        ["ldam_drw"] = t => t.Loss is LdamLossOptions { MaxM: 0.5, DrwEpoch: not null, DrwBeta: 0.9999 },
        ["softmax_mixup"] = t => t is { Loss: SoftmaxLossOptions, Mix: MixupOptions { Alpha: 1 } },
        ["softmax_cutmix"] = t => t is { Loss: SoftmaxLossOptions, Mix: CutMixOptions { Alpha: 1 } },
        ["weight_balancing_stage1"] = t => t is { Loss: SoftmaxLossOptions, Stage: TrainingStage.EndToEnd, Optimizer.WeightDecay: 0.005 },
        ["weight_balancing"] = t => t is { Loss: ClassBalancedLossOptions, Stage: TrainingStage.Decoupled, ResetClassifier: false,
            MaxNorm.Threshold: 0.1, Optimizer: { Lr: 0.01, WeightDecay: 0.1 } },
        ["softmax"] = t => t is { Loss: SoftmaxLossOptions, Stage: TrainingStage.EndToEnd, Mix: null },
        ["balanced_softmax"] = t => t is { Loss: BalancedSoftmaxLossOptions, Stage: TrainingStage.EndToEnd },
        ["decouple_balanced_softmax"] = t => t is { Loss: BalancedSoftmaxLossOptions, Stage: TrainingStage.Decoupled, Sampler: InstanceSamplerOptions },
        ["balms"] = t => t is { Loss: BalancedSoftmaxLossOptions, Stage: TrainingStage.Decoupled, Sampler: MetaSamplerOptions },
    };

    public static TheoryData<string, int, string> MethodConfigs()
    {
        var data = new TheoryData<string, int, string>();
        foreach (string dataset in MethodDatasets)
        foreach (int imbalance in new[] { 200, 100 })
        foreach (string method in Methods.Keys)
            data.Add(dataset, imbalance, method);
        return data;
    }

    [Theory]
    [MemberData(nameof(MethodConfigs))]
    public void EveryMethodHasAConfigPerDatasetAndImbalanceFactor(string dataset, int imbalance, string method)
    {
        var options = Load($"{dataset}/{method}_imba{imbalance}.yaml");

        Assert.Equal(dataset.Replace("_LT", "_lt").Replace("FashionMNIST", "fashion_mnist").ToLowerInvariant(),
            ConfigBinder.SnakeCase(options.Data.Dataset.ToString()));
        Assert.Equal(imbalance, options.Data.ImbalanceFactor);
        Assert.Equal($"{method}_imba{imbalance}", options.Name);
        Assert.True(Methods[method](options.Training), $"{dataset}/{method}_imba{imbalance}.yaml does not configure {method}");
    }

    /// <summary>
    /// LDAM-DRW's authors re-weight from epoch 160 of 200: the last fifth. Ours run 13,000 iterations, as many epochs as
    /// that makes on the data set (ceil(13000 / ceil(N / 512))), and re-weight from the epoch after four fifths of them.
    /// </summary>
    [Theory]
    [InlineData("FashionMNIST_LT", 200)]
    [InlineData("FashionMNIST_LT", 100)]
    [InlineData("CIFAR10_LT", 200)]
    [InlineData("CIFAR10_LT", 100)]
    [InlineData("CIFAR100_LT", 200)]
    [InlineData("CIFAR100_LT", 100)]
    public void LdamDrwReweightsInTheLastFifthOfItsEpochs(string dataset, int imbalance)
    {
        var options = Load($"{dataset}/ldam_drw_imba{imbalance}.yaml");
        int[] counts = dataset == "FashionMNIST_LT"
            ? Balms.Data.LongTail.LongTailPresets.FashionMnistProfile(10, imbalance)
            : Balms.Data.LongTail.LongTailPresets.CifarProfile(dataset == "CIFAR10_LT" ? 10 : 100, imbalance);
        int batches = (counts.Sum() + 511) / 512;
        int epochs = (options.Training.NumIterations!.Value + batches - 1) / batches;

        Assert.Equal((512, 13000), (options.Training.BatchSize, options.Training.NumIterations!.Value));
        Assert.Equal(epochs * 4 / 5 + 1, ((LdamLossOptions)options.Training.Loss).DrwEpoch);
        Assert.Equal(new CosineHeadOptions { Scale = 30 }, options.Model.Head);
    }

    /// <summary>Table 2.2 of the reference (the original configs); "-" = no Meta Sampler.</summary>
    [Theory]
    [InlineData("ImageNet_LT/feat_uniform_resnet10.yaml", "resnet10", TrainingStage.EndToEnd, "softmax", 0.2, 90, 512, "-")]
    [InlineData("ImageNet_LT/balanced_softmax_resnet10.yaml", "resnet10", TrainingStage.EndToEnd, "balanced_softmax", 0.2, 90, 512, "-")]
    [InlineData("ImageNet_LT/decouple_balanced_softmax_resnet10.yaml", "resnet10", TrainingStage.Decoupled, "balanced_softmax", 0.4, 10, 512, "-")]
    [InlineData("ImageNet_LT/balms_resnet10.yaml", "resnet10", TrainingStage.Decoupled, "balanced_softmax", 0.5, 20, 512, "1024 0.1 0.001")]
    [InlineData("ImageNet_LT/softmax_resnet10.yaml", "resnet10", TrainingStage.Decoupled, "softmax", 0.2, 10, 512, "-")]
    [InlineData("Places_LT/decouple_balanced_softmax.yaml", "resnet152", TrainingStage.Decoupled, "balanced_softmax", 0.02, 10, 256, "-")]
    [InlineData("Places_LT/balms.yaml", "resnet152", TrainingStage.Decoupled, "balanced_softmax", 0.02, 10, 256, "512 0.3 0.001")]
    public void ImageListConfigsCarryTheOriginalHyperparameters(
        string relativePath, string backbone, TrainingStage stage, string loss, double lr, int epochs, int batchSize, string metaSampler)
    {
        var options = ConfigLoader.Load(Path.Combine(ConfigsFolder, relativePath));
        var training = options.Training;

        Assert.Equal(relativePath.StartsWith("ImageNet") ? DatasetKind.ImagenetLt : DatasetKind.PlacesLt, options.Data.Dataset);
        Assert.Equal(backbone, options.Model.Backbone);
        Assert.Equal(stage, training.Stage);
        Assert.Equal(loss, ConfigBinder.VariantName(training.Loss));
        Assert.Equal(lr, training.Optimizer.Lr);
        Assert.Equal((0.9, 5e-4), (training.Optimizer.Momentum, training.Optimizer.WeightDecay));
        Assert.Equal(epochs, training.NumEpochs);
        Assert.Equal(batchSize, training.BatchSize);
        Assert.Equal(0.0, Assert.IsType<CosineScheduleOptions>(training.Schedule).EndLr);
        if (metaSampler == "-")
            Assert.IsType<InstanceSamplerOptions>(training.Sampler);
        else
        {
            var meta = Assert.IsType<MetaSamplerOptions>(training.Sampler);
            Assert.Equal(metaSampler, FormattableString.Invariant($"{meta.MetaBatchSize} {meta.InitPow} {meta.Lr}"));
        }
        if (stage == TrainingStage.Decoupled)
            Assert.Equal(
                relativePath.StartsWith("ImageNet") ? "runs/ImageNet_LT/models/resnet10_uniform_e90" : "runs/Places_LT/models/resnet152_uniform",
                training.ModelDir);
    }

    /// <summary>The Places-LT "Softmax" row: OLTR's stage-1 fine-tuning of an ImageNet-pretrained ResNet-152.</summary>
    [Fact]
    public void PlacesStageOneFineTunesAnImageNetResNet152AsOltr()
    {
        var options = Load("Places_LT/softmax_resnet152.yaml");
        var training = options.Training;

        Assert.Equal((DatasetKind.PlacesLt, "resnet152"), (options.Data.Dataset, options.Model.Backbone));
        Assert.Equal("pretrained/resnet152-394f9c45.pth", options.Model.Pretrained);
        Assert.Equal((TrainingStage.EndToEnd, "softmax"), (training.Stage, ConfigBinder.VariantName(training.Loss)));
        Assert.IsType<InstanceSamplerOptions>(training.Sampler);
        Assert.Equal((128, 30), (training.BatchSize, training.NumEpochs));
        Assert.Equal((0.1, 0.001, 0.9, 5e-4), (training.Optimizer.Lr, training.Optimizer.BackboneLr, training.Optimizer.Momentum, training.Optimizer.WeightDecay));
        var step = Assert.IsType<StepScheduleOptions>(training.Schedule);
        Assert.Equal((10, 0.1), (step.StepEpochs, step.Gamma));
        Assert.Equal("runs/Places_LT/models/resnet152_uniform", options.Output.Dir);
    }

    [Theory]
    [InlineData("ImageNet_LT", DatasetKind.ImagenetLt)]
    [InlineData("Places_LT", DatasetKind.PlacesLt)]
    public void OriginalConfigsNameTheImageListDatasets(string originalName, DatasetKind expected)
    {
        string original = $$"""
            coslr: true
            criterions:
              PerformanceLoss: {def_file: ./loss/SoftmaxLoss.py, weight: 1.0}
            networks:
              classifier: {def_file: ./models/DotProductClassifier.py, optim_params: {lr: 0.2} }
              feat_model: {def_file: ./models/ResNet10Feature.py, fix: false, optim_params: {lr: 0.2} }
            training_opt: {dataset: {{originalName}}, batch_size: 512, num_epochs: 90, sampler: null}
            """;

        Assert.Equal(expected, ConfigLoader.Parse(original, "original.yaml").Data.Dataset);
    }
}
