namespace Balms.Configuration;

/// <summary>One experiment (one row of a results table): the whole content of a config file.</summary>
public sealed record ExperimentOptions
{
    /// <summary>Short name of the run, used in tables.</summary>
    public string Name { get; init; } = "experiment";
    /// <summary>Seed of everything random in training (initialisation, sampling, augmentation).</summary>
    public int Seed { get; init; }
    /// <summary>cpu, cuda, cuda:N, or auto (cuda when available).</summary>
    public string Device { get; init; } = "auto";
    public DataOptions Data { get; init; } = new();
    public ModelOptions Model { get; init; } = new();
    public TrainingOptions Training { get; init; } = new();
    public OutputOptions Output { get; init; } = new();
}

/// <summary>
/// The benchmarks, and <see cref="ImageFolder"/>: the user's own images, one folder per class (see docs/own-data.md).
/// </summary>
public enum DatasetKind { FashionMnistLt, Cifar10Lt, Cifar100Lt, ImagenetLt, PlacesLt, ImageFolder }

public sealed record DataOptions
{
    public DatasetKind Dataset { get; init; } = DatasetKind.FashionMnistLt;
    /// <summary>Folder holding the dataset files; null means the dataset's usual place.</summary>
    public string? Root { get; init; }
    /// <summary>
    /// ImageNet-LT / Places-LT: folder holding the &lt;Name&gt;_{train,val,test}.txt lists; null means the data root.
    /// </summary>
    public string? ListDir { get; init; }
    /// <summary>
    /// ImageNet-LT / Places-LT: decode every listed image once before training and leave out the ones that fail
    /// (the count is shown in the dataset name) instead of stopping at the first bad file.
    /// </summary>
    public bool SkipBadImages { get; init; }
    /// <summary>n_max / n_min of the long-tailed training set.</summary>
    [Range(1)] public double ImbalanceFactor { get; init; } = 200;
    /// <summary>
    /// Images kept for the head class (n_max); null = the benchmark's standard (6000 Fashion-MNIST, 5000 CIFAR-10,
    /// 500 CIFAR-100). Smaller values shrink every class of the profile alike.
    /// </summary>
    [Range(1)] public int? HeadClassSize { get; init; }
    /// <summary>
    /// Seed of the data's random choices, separate from the training seed: the CIFAR-LT subset, the image_folder
    /// test/val split, the BALMS meta set's subset and eval's --test-prior draw. Fashion-MNIST-LT keeps the first n_c
    /// images of each class, and ImageNet-LT and Places-LT follow their list files, whatever the seed.
    /// </summary>
    public int DataSeed { get; init; }
    /// <summary>
    /// image_folder: side of the square network input. Training uses RandomResizedCrop(image_size), testing
    /// Resize(image_size * 256 / 224) + CenterCrop(image_size), both with ImageNet statistics.
    /// </summary>
    [Range(8, 1024)] public int ImageSize { get; init; } = 224;
    /// <summary>
    /// image_folder with one folder per class (no train/ folder): the fraction of every class held out as the test
    /// split, chosen at random with data_seed.
    /// </summary>
    [Range(0.01, 0.9)] public double HoldoutFraction { get; init; } = 0.2;
    /// <summary>
    /// image_folder with one folder per class: the fraction of every class held out as the val split, which then
    /// selects the best epoch and is the BALMS meta set; 0 = no val split.
    /// </summary>
    [Range(0, 0.9)] public double ValFraction { get; init; }
    /// <summary>Threads that decode and augment batches ahead of the training step.</summary>
    [Range(1, 64)] public int Workers { get; init; } = 1;
    /// <summary>Batches prepared ahead of the step.</summary>
    [Range(1, 64)] public int Prefetch { get; init; } = 4;
}

public sealed record ModelOptions
{
    public string Backbone { get; init; } = "resnet32";
    /// <summary>
    /// End-to-end stage: a weights file (PyTorch .pth/.pt or safetensors, e.g. torchvision's resnet weights) whose
    /// backbone tensors initialise the backbone before training; its classifier, if any, is ignored. Null = random.
    /// </summary>
    public string? Pretrained { get; init; }
    /// <summary>
    /// Type of the backbone's feature maps and convolutions. bfloat16 is mixed precision: parameters, gradients,
    /// BatchNorm statistics, the classifier and the loss stay float32. It was about 1.5x faster on an AMD Zen 4 with
    /// AVX512-BF16 and slower on an Intel Xeon with AVX512-BF16 but no AMX (docs/performance.md); a CPU without
    /// bfloat16 instructions emulates it many times slower, so there it is refused unless
    /// <see cref="AllowSlowBfloat16"/>. The original trains in float32.
    /// </summary>
    public Precision Precision { get; init; } = Precision.Float32;
    /// <summary>Run precision: bfloat16 on a CPU without native bfloat16 arithmetic (AVX512-BF16 or AMX-BF16) too.</summary>
    public bool AllowSlowBfloat16 { get; init; }
    /// <summary>The classifier on top of the backbone; the original's is linear.</summary>
    public HeadOptions Head { get; init; } = new LinearHeadOptions();
}

/// <summary>
/// The options of one classifier head, chosen by <c>model.head.type</c>; the head class that takes a record says so
/// with <see cref="BuiltFromAttribute"/>. Checkpoints record the head's options (<see cref="ToRecord"/>) so that eval,
/// predict and export rebuild the same head.
/// </summary>
public abstract record HeadOptions
{
    /// <summary>The options as a checkpoint records them: the config's own YAML form.</summary>
    public string ToRecord() => ConfigWriter.ToYaml(this);

    /// <summary>The head a checkpoint records; linear for checkpoints that record none (written before heads had options).</summary>
    /// <param name="source">Names the checkpoint in errors.</param>
    public static HeadOptions FromRecord(string? record, string source)
    {
        if (record is null) return new LinearHeadOptions();
        try
        {
            return ConfigBinder.Bind<HeadOptions>(ConfigNode.ParseYaml(record, source));
        }
        catch (ConfigException e)
        {
            throw new BalmsException($"{source} records a classifier head this version cannot build: {e.Message}");
        }
    }
}

/// <summary>The original's DotProductClassifier: logits = W·f + b.</summary>
[ConfigType("linear")]
public sealed record LinearHeadOptions : HeadOptions;

public enum Precision { Float32, Bfloat16 }

public enum TrainingStage { EndToEnd, Decoupled }

/// <summary>Which training images a decoupled stage trains on.</summary>
public enum Stage2Subset
{
    /// <summary>
    /// Stage 1's own images: a stage-1 checkpoint from a run that trained on other images is refused (another
    /// data_seed could put its training images in this run's test or val split).
    /// </summary>
    SameAsStage1,

    /// <summary>
    /// A long-tailed subset drawn afresh with this stage's data.data_seed, as the original's CIFAR-LT stage 2 does
    /// (it seeds nothing, so every run draws new images, mostly tail images stage 1 never saw). Only for datasets
    /// whose test split is fixed whatever the seed.
    /// </summary>
    Redraw,
}

public sealed record TrainingOptions
{
    public TrainingStage Stage { get; init; } = TrainingStage.EndToEnd;
    public LossOptions Loss { get; init; } = new SoftmaxLossOptions();
    public SamplerOptions Sampler { get; init; } = new InstanceSamplerOptions();
    [Range(1)] public int BatchSize { get; init; } = 512;
    /// <summary>Training length in iterations, converted to epochs as the original does; or set num_epochs.</summary>
    [Range(1)] public int? NumIterations { get; init; }
    [Range(1)] public int? NumEpochs { get; init; }
    public OptimizerOptions Optimizer { get; init; } = new();
    public ScheduleOptions Schedule { get; init; } = new CosineScheduleOptions();
    /// <summary>Decoupled stage: the stage-1 run directory or checkpoint file to start from.</summary>
    public string? ModelDir { get; init; }
    /// <summary>
    /// Decoupled stage: draw a fresh classifier, as the original does for its linear head (true), or start from the
    /// stage-1 classifier's weights (false).
    /// </summary>
    public bool ResetClassifier { get; init; } = true;
    /// <summary>Decoupled stage: stage 1's training images, or a subset drawn afresh (see <see cref="Configuration.Stage2Subset"/>).</summary>
    public Stage2Subset Stage2Subset { get; init; } = Stage2Subset.SameAsStage1;
    /// <summary>
    /// Decoupled stage: also freeze BatchNorm statistics. The original keeps BatchNorm in train mode (false), so its
    /// running statistics keep moving with the stage-2 batches.
    /// </summary>
    public bool FreezeBatchNorm { get; init; }
    /// <summary>Evaluate on the selection split every this many epochs (and always after the last one).</summary>
    [Range(1)] public int EvalEvery { get; init; } = 1;
    /// <summary>Also write checkpoints/latest.safetensors every this many steps within an epoch (null: at epoch ends only).</summary>
    [Range(1)] public int? CheckpointEverySteps { get; init; }
    /// <summary>Optional cap on steps per epoch, for quick runs; null keeps floor(N / batch).</summary>
    [Range(1)] public int? MaxStepsPerEpoch { get; init; }
    /// <summary>End-to-end stage: mixup or CutMix of the training images (see <see cref="MixOptions"/>); null = none.</summary>
    public MixOptions? Mix { get; init; }
    /// <summary>Decoupled stage: weight balancing's MaxNorm constraint on the classifier (see <see cref="MaxNormOptions"/>); null = none.</summary>
    public MaxNormOptions? MaxNorm { get; init; }
}

public sealed record OptimizerOptions
{
    [Range(0)] public double Lr { get; init; } = 0.05;
    /// <summary>Learning rate of the backbone in end-to-end training; null = same as lr.</summary>
    [Range(0)] public double? BackboneLr { get; init; }
    [Range(0, 1)] public double Momentum { get; init; } = 0.9;
    [Range(0)] public double WeightDecay { get; init; } = 5e-4;
}

public sealed record OutputOptions
{
    /// <summary>The run directory; relative paths are taken from the current directory.</summary>
    public string Dir { get; init; } = "runs/experiment";
}

/// <summary>
/// The options of one loss, chosen by <c>training.loss.type</c>. The loss class that takes a record says so with
/// <see cref="BuiltFromAttribute"/>, so a new loss is its class and its options record, and nothing else changes.
/// </summary>
public abstract record LossOptions
{
    /// <summary>
    /// The class prior the loss fits the logits to when the labels of its batches follow <paramref name="batchPrior"/>:
    /// that prior itself for cross-entropy; less the training prior for a loss that takes it out of the logits
    /// (Balanced Softmax: balanced with instance sampling); re-weighted for a class-balanced loss.
    /// </summary>
    public virtual ModelPrior FittedPrior(ModelPrior batchPrior) => batchPrior;

    /// <summary>The classifier head the loss needs (its <c>model.head</c> options type); null = any.</summary>
    public virtual Type? RequiredHead => null;
}

/// <summary>Plain softmax cross-entropy (the original's SoftmaxLoss).</summary>
[ConfigType("softmax")]
public sealed record SoftmaxLossOptions : LossOptions;

/// <summary>Balanced Softmax (the original's BalancedSoftmaxLoss), with n_c from the stage's training set.</summary>
[ConfigType("balanced_softmax")]
public sealed record BalancedSoftmaxLossOptions : LossOptions
{
    public override ModelPrior FittedPrior(ModelPrior batchPrior) => batchPrior.DividedByTrain(1);
}

public abstract record SamplerOptions;

/// <summary>Every training image once per epoch, reshuffled each epoch.</summary>
[ConfigType("instance")]
public sealed record InstanceSamplerOptions : SamplerOptions;

/// <summary>Round robin over reshuffled classes, <c>samples_per_class</c> images of a class at a time.</summary>
[ConfigType("class_aware")]
public sealed record ClassAwareSamplerOptions : SamplerOptions
{
    [Range(1)] public int SamplesPerClass { get; init; } = 4;
}

/// <summary>The learned Meta Sampler of BALMS (decoupled stage only).</summary>
[ConfigType("meta")]
public sealed record MetaSamplerOptions : SamplerOptions
{
    /// <summary>Size of the class-balanced meta batch; null = the training batch size.</summary>
    [Range(1)] public int? MetaBatchSize { get; init; }
    /// <summary>Initial sampling weight s_c proportional to (n_c / N)^(-init_pow).</summary>
    [Range(0, 10)] public double InitPow { get; init; }
    /// <summary>Adam learning rate of the sampling weights.</summary>
    [Range(0)] public double Lr { get; init; } = 0.01;
    /// <summary>
    /// Compute the meta set's features once, when the stage starts, instead of passing a meta batch through the frozen
    /// backbone at every step; a BALMS step then costs little more than a decoupled one. The meta images are then used
    /// without augmentation (the test transform), as the original does for ImageNet-LT and Places-LT (for CIFAR-LT
    /// it augments them afresh every step). Needs training.freeze_batch_norm: true, since with BatchNorm in train mode
    /// a feature depends on the rest of its batch.
    /// </summary>
    public bool CacheMetaFeatures { get; init; }
    /// <summary>
    /// Whether the meta batch's pass through the frozen backbone (in train mode, as the original) moves BatchNorm's
    /// running statistics, as in the original (true). With false the meta batch is still normalised by its own
    /// statistics, but the running statistics, which the test uses, follow the training batches alone, as in
    /// decoupled Balanced Softmax (docs/results.md measures both).
    /// </summary>
    public bool MetaBatchUpdatesBatchNorm { get; init; } = true;
}

public abstract record ScheduleOptions
{
    /// <summary>Learning rate reached at the end (eta_min).</summary>
    [Range(0)] public double EndLr { get; init; }
}

/// <summary>Cosine annealing from the optimiser lr to end_lr, stepped at the start of every epoch.</summary>
[ConfigType("cosine")]
public sealed record CosineScheduleOptions : ScheduleOptions;

/// <summary>
/// PyTorch's StepLR, as OLTR and classifier-balancing fine-tune Places-LT: the rate is multiplied by gamma every
/// step_epochs epochs (epoch e trains at lr·gamma^⌊e / step_epochs⌋, the scheduler being stepped at each epoch's start).
/// end_lr does not apply.
/// </summary>
[ConfigType("step")]
public sealed record StepScheduleOptions : ScheduleOptions
{
    [Range(1)] public int StepEpochs { get; init; } = 10;
    [Range(0, 1)] public double Gamma { get; init; } = 0.1;
}

/// <summary>
/// The original's CosineAnnealingLRWarmup: linear from base_lr to warmup_lr over the warmup epochs, then cosine from
/// warmup_lr to end_lr. Each parameter group is scaled by its lr / base_lr.
/// </summary>
[ConfigType("warmup_cosine")]
public sealed record WarmupCosineScheduleOptions : ScheduleOptions
{
    [Range(0)] public int WarmupIterations { get; init; } = 800;
    [Range(0)] public double BaseLr { get; init; } = 0.05;
    [Range(0)] public double WarmupLr { get; init; } = 0.1;
}
