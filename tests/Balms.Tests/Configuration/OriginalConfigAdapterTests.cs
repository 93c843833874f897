using Balms.Configuration;

namespace Balms.Tests.Configuration;

public class OriginalConfigAdapterTests
{
    // The shape of the original repository's config/CIFAR10_LT/balms_imba200.yaml.
    private const string OriginalBalms = """
        coslr: true
        criterions:
          PerformanceLoss:
            def_file: ./loss/BalancedSoftmaxLoss.py
            loss_params: {freq_path: ./cls_freq/CIFAR-10-LT_IMBA200.json}
            optim_params: null
            weight: 1.0
        endlr: 0.0
        last: false
        memory: {centroids: false, init_centroids: false}
        model_dir: ./logs/CIFAR10_LT/models/resnet32_softmax_imba200
        networks:
          classifier:
            def_file: ./models/DotProductClassifier.py
            optim_params: {lr: 0.1, momentum: 0.9, weight_decay: 0.0005}
            params: {dataset: CIFAR10_LT, feat_dim: 64, log_dir: ./logs/CIFAR10_LT/models/x, num_classes: 10, stage1_weights: false}
          feat_model:
            def_file: ./models/ResNet32Feature.py
            fix: true
            optim_params: {lr: 0.1, momentum: 0.9, weight_decay: 0.0005}
            params: {dataset: CIFAR10_LT, dropout: null, log_dir: ./logs/CIFAR10_LT/models/x, stage1_weights: false, use_fc: false, use_selfatt: false}
        shuffle: false
        training_opt:
          backbone: resnet32
          batch_size: 512
          dataset: CIFAR10_LT
          display_step: 10
          feature_dim: 64
          log_dir: ./logs/CIFAR10_LT/clslearn/resnet32_balms_imba200
          log_root: /logs/CIFAR10_LT
          num_classes: 10
          num_iterations: 2000
          num_workers: 4
          open_threshold: 0.1
          sampler: {def_file: ./data/MetaSampler.py, type: MetaSampler}
          stage: balms_imba200
          sub_dir: models
          cifar_imb_ratio: 200
        """;

    [Fact]
    public void OriginalBalmsFileMapsOntoOurSchema()
    {
        var options = ConfigLoader.Parse(OriginalBalms, "balms_imba200.yaml");
        Assert.Equal(DatasetKind.Cifar10Lt, options.Data.Dataset);
        Assert.Equal(200, options.Data.ImbalanceFactor);
        Assert.Equal("resnet32", options.Model.Backbone);
        Assert.Equal(TrainingStage.Decoupled, options.Training.Stage);
        Assert.IsType<BalancedSoftmaxLossOptions>(options.Training.Loss);
        var sampler = Assert.IsType<MetaSamplerOptions>(options.Training.Sampler);
        Assert.Null(sampler.MetaBatchSize);
        Assert.Equal(0.01, sampler.Lr);
        Assert.Equal(0.1, options.Training.Optimizer.Lr);
        Assert.Equal(5e-4, options.Training.Optimizer.WeightDecay);
        Assert.Equal(2000, options.Training.NumIterations);
        Assert.IsType<CosineScheduleOptions>(options.Training.Schedule);
        Assert.Equal("./logs/CIFAR10_LT/models/resnet32_softmax_imba200", options.Training.ModelDir);
        Assert.Equal("./logs/CIFAR10_LT/clslearn/resnet32_balms_imba200", options.Output.Dir);
    }

    [Fact]
    public void SetAppliesToTheOriginalKeys()
    {
        var options = ConfigLoader.Parse(OriginalBalms, "balms_imba200.yaml", ["training_opt.batch_size=64"]);
        Assert.Equal(64, options.Training.BatchSize);
    }

    [Fact]
    public void WarmupScheduleAndClassAwareSamplerAreMapped()
    {
        string stageOne = OriginalBalms
            .Replace("coslr: true", "coslr: false\ncoslrwarmup: true\nwarmup_iterations: 800\nbase_lr: 0.05\nwarmup_lr: 0.1")
            .Replace("fix: true", "fix: false")
            .Replace("{def_file: ./data/MetaSampler.py, type: MetaSampler}", "{def_file: ./data/ClassAwareSampler.py, num_samples_cls: 4, type: ClassAwareSampler}")
            .Replace("model_dir: ./logs/CIFAR10_LT/models/resnet32_softmax_imba200", "model_dir: null");
        var options = ConfigLoader.Parse(stageOne, "x.yaml");
        var schedule = Assert.IsType<WarmupCosineScheduleOptions>(options.Training.Schedule);
        Assert.Equal(800, schedule.WarmupIterations);
        Assert.Equal(0.05, schedule.BaseLr);
        Assert.Equal(TrainingStage.EndToEnd, options.Training.Stage);
        Assert.Equal(4, Assert.IsType<ClassAwareSamplerOptions>(options.Training.Sampler).SamplesPerClass);
    }

    [Fact]
    public void UnsupportedComponentIsNamed()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(OriginalBalms.Replace("BalancedSoftmaxLoss.py", "DiscCentroidsLoss.py"), "x.yaml"));
        Assert.Contains("DiscCentroidsLoss", error.Message);
        Assert.Contains("BalancedSoftmaxLoss", error.Message);
    }
}
