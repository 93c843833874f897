using System.Globalization;
using Balms.Configuration;
using Balms.Data.Readers;
using Balms.Training;
using TorchSharp;

namespace Balms.Benchmarks;

/// <summary>
/// Runs every measurement of `balms bench`: the bare training step (alternating with the PyTorch reference when it
/// is available), the end-to-end training loop on synthetic CIFAR-10-LT with the real augmentation and on
/// Fashion-MNIST-LT, evaluation, and a decoupled and a BALMS stage on the first loop's checkpoint. Working files go to
/// a temporary folder that is deleted afterwards.
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

    private BenchmarkReport Measure(string work, CancellationToken cancellation)
    {
        double loadAtStart = LoadAverage();
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
            cancellation.ThrowIfCancellationRequested();
            progress($"bare training step, round {round + 1}/{settings.StepRounds}");
            ProcessMemory.ResetPeak();
            steps.Add(TrainStepBenchmark.ImagesPerSecond(settings));
            // Only the first round starts from a fresh process, as PyTorch's does; later ones would also count the heap
            // that glibc keeps after the training loops.
            if (round == 0) stepPeak = ProcessMemory.PeakResidentMb();
            progress($"bare training step in bfloat16 mixed precision, round {round + 1}/{settings.StepRounds}");
            bfloat16Steps.Add(TrainStepBenchmark.ImagesPerSecond(settings, torch.ScalarType.BFloat16));
            if (reference is null) return;
            progress($"PyTorch reference, round {round + 1}/{settings.StepRounds}");
            var defaults = new Dictionary<string, string>();
            if (reference.Measure(settings, defaults, out pytorchSkipped) is not { } measured)
            {
                reference = null;
                return;
            }
            pytorchDefault.Add(measured);
            if (settings.PyTorchWithBalmsOpenMp && reference.Measure(settings, NativeRuntime.OpenMpSetting, out _) is { } sameOpenMp)
                pytorchSameOpenMp.Add(sameOpenMp);
            if (reference.Measure(settings, defaults, out _, bfloat16: true) is { } mixed) pytorchBfloat16.Add(mixed);
        }

        int roundsBefore = (settings.StepRounds + 1) / 2;
        for (int round = 0; round < roundsBefore; round++) StepRound(round);

        string cifarRoot = SyntheticDatasets.WriteCifar10(Path.Combine(work, "cifar10"), settings.TrainImagesPerClass, settings.TestImagesPerClass, seed: 1);
        progress("training loop: synthetic CIFAR-10-LT, ResNet-32, CIFAR augmentation (AutoAugment, Cutout)");
        var stageOne = Options("cifar_end_to_end", DatasetKind.Cifar10Lt, cifarRoot, settings.TrainImagesPerClass, Path.Combine(work, "runs", "stage1"),
            new TrainingOptions
            {
                NumEpochs = settings.LoopEpochs,
                EvalEvery = 1,
                MaxStepsPerEpoch = settings.MaxStepsPerEpoch,
                Optimizer = new OptimizerOptions { Lr = 0.05 },
            });
        double augmentationMs = AugmentationBenchmark.MillisecondsPerBatch(stageOne, settings.WarmupSteps, settings.TimedSteps);
        var cifarLoop = TrainerBenchmark.Run(stageOne, settings.WarmupSteps, cancellation);
        progress("the same training loop in bfloat16 mixed precision");
        var cifarLoopBfloat16 = TrainerBenchmark.Run(stageOne with
        {
            Name = "cifar_end_to_end_bf16",
            Model = stageOne.Model with { Precision = Precision.Bfloat16 },
            Output = new OutputOptions { Dir = Path.Combine(work, "runs", "stage1_bf16") },
        }, settings.WarmupSteps, cancellation);
        // The remaining rounds right after the loop, so that the loop is compared with a step measured around it.
        for (int round = roundsBefore; round < settings.StepRounds; round++) StepRound(round);

        var (fashionRoot, fashionHead, fashionSource) = FashionMnistData(work);
        progress($"training loop: Fashion-MNIST-LT ({fashionSource}), ResNet-32");
        var fashionLoop = TrainerBenchmark.Run(Options("fashion_end_to_end", DatasetKind.FashionMnistLt, fashionRoot, fashionHead, Path.Combine(work, "runs", "fashion"),
            new TrainingOptions
            {
                NumEpochs = settings.LoopEpochs,
                EvalEvery = settings.LoopEpochs,
                MaxStepsPerEpoch = settings.MaxStepsPerEpoch ?? settings.FashionMnistStepsPerEpoch,
                Optimizer = new OptimizerOptions { Lr = 0.05 },
            }), settings.WarmupSteps, cancellation);

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
        // Every stage 2 starts from the CIFAR loop's checkpoint; its run is runs/<run>.
        LoopMeasurement CifarStageTwo(string run, TrainingOptions training) => TrainerBenchmark.Run(
            Options("cifar_" + run, DatasetKind.Cifar10Lt, cifarRoot, settings.TrainImagesPerClass, Path.Combine(work, "runs", run), training),
            settings.WarmupSteps, cancellation);
        progress("decoupled stage (Balanced Softmax, frozen backbone) on the loop's checkpoint");
        var decoupled = CifarStageTwo("decoupled", decoupledTraining);
        progress("BALMS stage (Balanced Softmax + Meta Sampler) on the loop's checkpoint");
        var balms = CifarStageTwo("balms", decoupledTraining with { Sampler = new MetaSamplerOptions { MetaBatchSize = settings.BatchSize } });
        var frozenBatchNorm = decoupledTraining with { FreezeBatchNorm = true };
        progress("decoupled stage with BatchNorm frozen");
        var decoupledFrozen = CifarStageTwo("decoupled_frozen_bn", frozenBatchNorm);
        progress("BALMS stage with BatchNorm frozen and the meta set's features computed once");
        var balmsCached = CifarStageTwo("balms_cached",
            frozenBatchNorm with { Sampler = new MetaSamplerOptions { MetaBatchSize = settings.BatchSize, CacheMetaFeatures = true } });
        progress($"Meta Sampler draw at ImageNet-LT size (B {settings.DrawBatchSize}, N {settings.DrawInstances:N0}, C {settings.DrawClasses})");
        double drawMs = MetaSamplerDrawBenchmark.MillisecondsPerDraw(settings);

        return new BenchmarkReport
        {
            CpuModel = CpuModel(),
            LogicalCpus = Environment.ProcessorCount,
            Threads = torch.get_num_threads(),
            BatchSize = settings.BatchSize,
            Quick = settings.IsQuick,
            LoadAverageAtStart = loadAtStart,
            LoadAverageAtEnd = LoadAverage(),
            TrainStepImagesPerSecond = Median(steps),
            CifarLoop = cifarLoop,
            TrainStepBfloat16ImagesPerSecond = Median(bfloat16Steps),
            CifarLoopBfloat16 = cifarLoopBfloat16,
            AugmentationMsPerBatch = augmentationMs,
            FashionMnistLoop = fashionLoop,
            FashionMnistSource = fashionSource,
            DecoupledRun = decoupled,
            BalmsRun = balms,
            DecoupledFrozenRun = decoupledFrozen,
            BalmsCachedRun = balmsCached,
            MetaSamplerDrawMs = drawMs,
            StepPeakResidentMb = stepPeak,
            PeakResidentMb = new[] { stepPeak, cifarLoop.PeakResidentMb, cifarLoopBfloat16.PeakResidentMb, fashionLoop.PeakResidentMb, decoupled.PeakResidentMb, balms.PeakResidentMb, decoupledFrozen.PeakResidentMb, balmsCached.PeakResidentMb }.Max(),
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

    private (string Root, int? HeadClassSize, string Source) FashionMnistData(string work)
    {
        if (settings.UseInstalledFashionMnist && Directory.Exists(FashionMnist.DebianDirectory))
            return (FashionMnist.DebianDirectory, null, $"installed files in {FashionMnist.DebianDirectory}");
        string root = SyntheticDatasets.WriteFashionMnist(Path.Combine(work, "fashion-mnist"), settings.TrainImagesPerClass, settings.TestImagesPerClass, seed: 2);
        return (root, settings.TrainImagesPerClass, "synthetic IDX files");
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

    internal static string CpuModel()
    {
        const string path = "/proc/cpuinfo";
        var line = File.Exists(path) ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
        return line?.Split(':', 2)[1].Trim() ?? "unknown";
    }
}
