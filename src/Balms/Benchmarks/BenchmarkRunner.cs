using System.Globalization;
using Balms.Configuration;
using Balms.Data.LongTail;
using Balms.Data.Readers;
using Balms.Training;
using TorchSharp;

namespace Balms.Benchmarks;

/// <summary>
/// Runs every measurement of `balms bench`: the bare training step (alternating with the PyTorch reference when it
/// is available), the end-to-end training loop on synthetic CIFAR-10-LT with the real augmentation and on
/// Fashion-MNIST-LT, evaluation, a decoupled and a BALMS stage on the first loop's checkpoint, and the Meta Sampler
/// draw against a ResNet-10 step at ImageNet-LT's size. The bfloat16 parts run only on a CPU with bfloat16
/// instructions. Reports a line as each part starts (<see cref="BenchmarkProgress"/>). Working files go to a temporary
/// folder that is deleted afterwards.
/// </summary>
public sealed class BenchmarkRunner(BenchmarkSettings settings, PyTorchReference? pytorch, Action<string> progress)
{
    public BenchmarkReport Run(CancellationToken cancellation)
    {
        torch.set_num_threads(settings.Threads);
        string work = Path.Combine(Path.GetTempPath(), $"balms-bench-{Guid.NewGuid():N}");
        try
        {
            return Measure(work, cancellation);
        }
        finally
        {
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Why the bfloat16 parts are skipped on this CPU; null when they run.</summary>
    public string? Bfloat16Skipped => settings.Cpu.HasNativeBfloat16 ? null
        : $"{settings.Cpu.Model} has no {string.Join(" or ", CpuInfo.Bfloat16Flags)}: bfloat16 would be emulated, many times slower than float32, and model.precision: bfloat16 is refused there";

    private BenchmarkReport Measure(string work, CancellationToken cancellation)
    {
        double loadAtStart = LoadAverage();
        bool bfloat16 = Bfloat16Skipped is null;
        var amounts = new BenchmarkWork(settings);
        var parts = new List<BenchmarkPart>();
        void Part(string description, double amount, Action run) => parts.Add(new BenchmarkPart(description, amount, run));

        var reference = pytorch;
        string? pytorchSkipped = reference is null ? $"{PyTorchReference.ScriptPath} not found" : null;
        var steps = new List<double>();
        var bfloat16Steps = new List<double>();
        var pytorchDefault = new List<PyTorchMeasurement>();
        var pytorchSameOpenMp = new List<PyTorchMeasurement>();
        var pytorchBfloat16 = new List<PyTorchMeasurement>();
        double stepPeak = 0;
        void StepRound(int round)
        {
            string of = $"round {round + 1}/{settings.StepRounds}";
            Part($"bare training step, {of}", amounts.BareStep(bfloat16: false), () =>
            {
                ProcessMemory.ResetPeak();
                steps.Add(TrainStepBenchmark.ImagesPerSecond(settings));
                // Only the first round starts from a fresh process, as PyTorch's does; later ones would also count the
                // heap that glibc keeps after the training loops.
                if (round == 0) stepPeak = ProcessMemory.PeakResidentMb();
            });
            if (bfloat16)
                Part($"bare training step in bfloat16 mixed precision, {of}", amounts.BareStep(bfloat16: true),
                    () => bfloat16Steps.Add(TrainStepBenchmark.ImagesPerSecond(settings, torch.ScalarType.BFloat16)));
            if (reference is null) return;
            Part($"PyTorch reference, {of}", amounts.PyTorchRound(bfloat16), () =>
            {
                // The first round finds out whether the Python imports torch at all.
                if (reference is null) return;
                var defaults = new Dictionary<string, string>();
                if (reference.Measure(settings, defaults, out pytorchSkipped) is not { } measured)
                {
                    reference = null;
                    return;
                }
                pytorchDefault.Add(measured);
                if (settings.PyTorchWithBalmsOpenMp && reference.Measure(settings, NativeRuntime.OpenMpSetting, out _) is { } sameOpenMp)
                    pytorchSameOpenMp.Add(sameOpenMp);
                if (bfloat16 && reference.Measure(settings, defaults, out _, bfloat16: true) is { } mixed) pytorchBfloat16.Add(mixed);
            });
        }

        int roundsBefore = (settings.StepRounds + 1) / 2;
        for (int round = 0; round < roundsBefore; round++) StepRound(round);

        string cifarRoot = SyntheticDatasets.WriteCifar10(Path.Combine(work, "cifar10"), settings.TrainImagesPerClass, settings.TestImagesPerClass, seed: 1);
        var stageOne = Options("cifar_end_to_end", DatasetKind.Cifar10Lt, cifarRoot, settings.TrainImagesPerClass, Path.Combine(work, "runs", "stage1"),
            new TrainingOptions
            {
                NumEpochs = settings.LoopEpochs,
                EvalEvery = 1,
                MaxStepsPerEpoch = settings.MaxStepsPerEpoch,
                Optimizer = new OptimizerOptions { Lr = 0.05 },
            });
        double augmentationMs = 0;
        LoopMeasurement? cifarLoop = null, cifarLoopBfloat16 = null;
        Part("training loop: synthetic CIFAR-10-LT, ResNet-32, CIFAR augmentation (AutoAugment, Cutout)", amounts.CifarLoop(bfloat16: false), () =>
        {
            augmentationMs = AugmentationBenchmark.MillisecondsPerBatch(stageOne, settings.WarmupSteps, settings.TimedSteps);
            cifarLoop = TrainerBenchmark.Run(stageOne, settings.WarmupSteps, cancellation);
        });
        if (bfloat16)
            Part("the same training loop in bfloat16 mixed precision", amounts.CifarLoop(bfloat16: true), () => cifarLoopBfloat16 = TrainerBenchmark.Run(stageOne with
            {
                Name = "cifar_end_to_end_bf16",
                Model = stageOne.Model with { Precision = Precision.Bfloat16 },
                Output = new OutputOptions { Dir = Path.Combine(work, "runs", "stage1_bf16") },
            }, settings.WarmupSteps, cancellation));
        // The remaining rounds right after the loop, so that the loop is compared with a step measured around it.
        for (int round = roundsBefore; round < settings.StepRounds; round++) StepRound(round);

        var fashion = FashionMnistData(work);
        LoopMeasurement? fashionLoop = null;
        Part($"training loop: Fashion-MNIST-LT ({fashion.Source}), ResNet-32", amounts.FashionMnistLoop(fashion.TrainImages, fashion.TestImages),
            () => fashionLoop = TrainerBenchmark.Run(Options("fashion_end_to_end", DatasetKind.FashionMnistLt, fashion.Root, fashion.HeadClassSize, Path.Combine(work, "runs", "fashion"),
                new TrainingOptions
                {
                    NumEpochs = settings.LoopEpochs,
                    EvalEvery = settings.LoopEpochs,
                    MaxStepsPerEpoch = settings.MaxStepsPerEpoch ?? settings.FashionMnistStepsPerEpoch,
                    Optimizer = new OptimizerOptions { Lr = 0.05 },
                }), settings.WarmupSteps, cancellation));

        var decoupledTraining = new TrainingOptions
        {
            Stage = TrainingStage.Decoupled,
            ModelDir = stageOne.Output.Dir,
            Loss = new BalancedSoftmaxLossOptions(),
            NumEpochs = settings.DecoupledEpochs,
            EvalEvery = settings.DecoupledEpochs,
            MaxStepsPerEpoch = settings.MaxStepsPerEpoch,
            Optimizer = new OptimizerOptions { Lr = 0.1 },
        };
        var frozenBatchNorm = decoupledTraining with { FreezeBatchNorm = true };
        // Every stage 2 starts from the CIFAR loop's checkpoint; its run is runs/<run>.
        LoopMeasurement? decoupled = null, balms = null, decoupledFrozen = null, balmsCached = null;
        void StageTwo(string description, double amount, string run, TrainingOptions training, Action<LoopMeasurement> measured) =>
            Part(description, amount, () => measured(TrainerBenchmark.Run(
                Options("cifar_" + run, DatasetKind.Cifar10Lt, cifarRoot, settings.TrainImagesPerClass, Path.Combine(work, "runs", run), training),
                settings.WarmupSteps, cancellation)));
        StageTwo("decoupled stage (Balanced Softmax, frozen backbone) on the loop's checkpoint", amounts.StageTwo(forwardsPerStep: 1),
            "decoupled", decoupledTraining, result => decoupled = result);
        // The default, as the original: BatchNorm in train mode, a freshly augmented meta batch through the backbone
        // every step, and the training batch's update of the running statistics made again after it.
        StageTwo("BALMS stage (Balanced Softmax + Meta Sampler, the original's algorithm) on the loop's checkpoint", amounts.StageTwo(forwardsPerStep: 2),
            "balms", decoupledTraining with { Sampler = new MetaSamplerOptions { MetaBatchSize = settings.BatchSize } }, result => balms = result);
        StageTwo("decoupled stage with BatchNorm frozen", amounts.StageTwo(forwardsPerStep: 1),
            "decoupled_frozen_bn", frozenBatchNorm, result => decoupledFrozen = result);
        StageTwo("BALMS stage with BatchNorm frozen and the meta set's features computed once", amounts.StageTwo(forwardsPerStep: 1, cachedMetaFeatures: true),
            "balms_cached", frozenBatchNorm with { Sampler = new MetaSamplerOptions { MetaBatchSize = settings.BatchSize, CacheMetaFeatures = true } },
            result => balmsCached = result);

        double drawMs = 0, imageNetStepMs = 0;
        Part($"Meta Sampler draw at ImageNet-LT size (B {settings.DrawBatchSize}, N {settings.DrawInstances:N0}, C {settings.DrawClasses})", amounts.MetaSamplerDraws,
            () => drawMs = MetaSamplerDrawBenchmark.MillisecondsPerDraw(settings));
        var imageNetStep = new StepShape("resnet10", settings.ImageNetStepBatchSize, 3, settings.ImageNetImageSize, settings.ImageNetClasses);
        Part($"ResNet-10 training step at {settings.ImageNetImageSize}x{settings.ImageNetImageSize}, batch {settings.ImageNetStepBatchSize} (the draw's yardstick, scaled to batch {settings.DrawBatchSize})",
            amounts.ImageNetStep, () => imageNetStepMs = 1000 * settings.DrawBatchSize / TrainStepBenchmark.ImagesPerSecond(imageNetStep, settings.WarmupSteps, settings.ImageNetTimedSteps));

        if (!bfloat16) progress($"bfloat16 parts skipped: {Bfloat16Skipped}");
        BenchmarkProgress.Run(parts, progress, cancellation);

        LoopMeasurement[] families = [cifarLoop!, fashionLoop!, decoupled!, balms!, decoupledFrozen!, balmsCached!, .. cifarLoopBfloat16 is null ? [] : new[] { cifarLoopBfloat16 }];
        return new BenchmarkReport
        {
            Cpu = settings.Cpu,
            LogicalCpus = Environment.ProcessorCount,
            Threads = torch.get_num_threads(),
            BatchSize = settings.BatchSize,
            Quick = settings.IsQuick,
            LoadAverageAtStart = loadAtStart,
            LoadAverageAtEnd = LoadAverage(),
            TrainStepImagesPerSecond = Median(steps),
            CifarLoop = cifarLoop!,
            TrainStepBfloat16ImagesPerSecond = bfloat16 ? Median(bfloat16Steps) : null,
            CifarLoopBfloat16 = cifarLoopBfloat16,
            Bfloat16Skipped = Bfloat16Skipped,
            AugmentationMsPerBatch = augmentationMs,
            FashionMnistLoop = fashionLoop!,
            FashionMnistSource = fashion.Source,
            DecoupledRun = decoupled!,
            BalmsRun = balms!,
            DecoupledFrozenRun = decoupledFrozen!,
            BalmsCachedRun = balmsCached!,
            MetaSamplerDrawMs = drawMs,
            ImageNetStepMs = imageNetStepMs,
            ImageNetStepBatchSize = settings.ImageNetStepBatchSize,
            StepPeakResidentMb = stepPeak,
            PeakResidentMb = Math.Max(stepPeak, families.Max(family => family.PeakResidentMb)),
            PyTorch = MedianRun(pytorchDefault),
            PyTorchWithBalmsOpenMp = MedianRun(pytorchSameOpenMp),
            PyTorchBfloat16 = MedianRun(pytorchBfloat16),
            PyTorchSkipped = pytorchSkipped,
        };
    }

    private ExperimentOptions Options(string name, DatasetKind dataset, string root, int? headClassSize, string output, TrainingOptions training) => new()
    {
        Name = name,
        Device = "cpu",
        Data = new DataOptions
        {
            Dataset = dataset,
            Root = root,
            ImbalanceFactor = settings.ImbalanceFactor,
            HeadClassSize = headClassSize,
            Workers = settings.LoaderWorkers,
        },
        Training = training with { BatchSize = settings.BatchSize },
        Output = new OutputOptions { Dir = output },
    };

    private sealed record FashionMnistFiles(string Root, int? HeadClassSize, string Source, int TrainImages, int TestImages);

    private FashionMnistFiles FashionMnistData(string work)
    {
        const int classes = 10, installedTestImages = 10_000;
        if (settings.UseInstalledFashionMnist && Directory.Exists(FashionMnist.DebianDirectory))
            return new FashionMnistFiles(FashionMnist.DebianDirectory, null, $"installed files in {FashionMnist.DebianDirectory}",
                LongTailPresets.FashionMnistProfile(classes, settings.ImbalanceFactor).Sum(), installedTestImages);
        string root = SyntheticDatasets.WriteFashionMnist(Path.Combine(work, "fashion-mnist"), settings.TrainImagesPerClass, settings.TestImagesPerClass, seed: 2);
        return new FashionMnistFiles(root, settings.TrainImagesPerClass, "synthetic IDX files",
            LongTailPresets.FashionMnistProfile(classes, settings.ImbalanceFactor, settings.TrainImagesPerClass).Sum(), classes * settings.TestImagesPerClass);
    }

    internal static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static PyTorchMeasurement? MedianRun(IReadOnlyList<PyTorchMeasurement> runs) => runs.Count == 0 ? null
        : new PyTorchMeasurement(Median(runs.Select(r => r.TrainImagesPerSecond).ToList()),
            Median(runs.Select(r => r.EvaluationImagesPerSecond).ToList()), runs.Max(r => r.PeakResidentMb), runs[0].TorchVersion);

    internal static double LoadAverage()
    {
        const string path = "/proc/loadavg";
        return File.Exists(path) ? double.Parse(File.ReadAllText(path).Split(' ')[0], CultureInfo.InvariantCulture) : 0;
    }
}
