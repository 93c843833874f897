using System.Text.Json.Nodes;
using Balms.Training;

namespace Balms.Benchmarks;

/// <summary>Everything one `balms bench` run measured; <see cref="ToJson"/> gives the --json output.</summary>
public sealed record BenchmarkReport
{
    /// <summary>The CPU the bench ran on: its model and flags.</summary>
    public required CpuInfo Cpu { get; init; }
    public required int LogicalCpus { get; init; }
    public required int Threads { get; init; }
    public required int BatchSize { get; init; }
    /// <summary>A --quick run: tiny sizes, whose verdicts on the goals mean nothing.</summary>
    public bool Quick { get; init; }
    public required double LoadAverageAtStart { get; init; }
    public required double LoadAverageAtEnd { get; init; }

    public required double TrainStepImagesPerSecond { get; init; }
    public required LoopMeasurement CifarLoop { get; init; }
    /// <summary>The bare step and the CIFAR loop with model.precision: bfloat16; null when skipped.</summary>
    public double? TrainStepBfloat16ImagesPerSecond { get; init; }
    public LoopMeasurement? CifarLoopBfloat16 { get; init; }
    /// <summary>Why the bfloat16 parts were skipped (a CPU without bfloat16 instructions); null when they ran.</summary>
    public string? Bfloat16Skipped { get; init; }
    /// <summary>One thread's time to read and augment one CIFAR training batch (AutoAugment, Cutout).</summary>
    public required double AugmentationMsPerBatch { get; init; }
    public required LoopMeasurement FashionMnistLoop { get; init; }
    public required string FashionMnistSource { get; init; }
    public required LoopMeasurement DecoupledRun { get; init; }
    public required LoopMeasurement BalmsRun { get; init; }
    /// <summary>The decoupled stage with training.freeze_batch_norm, the baseline of <see cref="BalmsCachedRun"/>.</summary>
    public required LoopMeasurement DecoupledFrozenRun { get; init; }
    /// <summary>BALMS with BatchNorm frozen and sampler.cache_meta_features (no backbone forward of meta batches).</summary>
    public required LoopMeasurement BalmsCachedRun { get; init; }
    /// <summary>One Meta Sampler batch draw at ImageNet-LT's size (settings.DrawInstances etc.).</summary>
    public required double MetaSamplerDrawMs { get; init; }
    /// <summary>
    /// A ResNet-10 training step at ImageNet-LT's size (224×224, 1,000 classes) and the draw's batch (512), timed at
    /// <see cref="ImageNetStepBatchSize"/> and scaled linearly.
    /// </summary>
    public required double ImageNetStepMs { get; init; }
    public required int ImageNetStepBatchSize { get; init; }
    public required double StepPeakResidentMb { get; init; }
    public required double PeakResidentMb { get; init; }

    /// <summary>PyTorch with the environment this process got (its defaults), when measured.</summary>
    public PyTorchMeasurement? PyTorch { get; init; }
    /// <summary>PyTorch with the OpenMP setting Balms runs with, when measured.</summary>
    public PyTorchMeasurement? PyTorchWithBalmsOpenMp { get; init; }
    /// <summary>PyTorch's bare step under bfloat16 autocast (its defaults otherwise), when measured.</summary>
    public PyTorchMeasurement? PyTorchBfloat16 { get; init; }
    /// <summary>Why PyTorch was not measured, when it was not.</summary>
    public string? PyTorchSkipped { get; init; }

    /// <summary>The part of the training loop's time that is not the bare step (loading, augmentation, bookkeeping).</summary>
    public double LoopOverhead => 1 - CifarLoop.TrainImagesPerSecond / TrainStepImagesPerSecond;

    public double EvaluationImagesPerSecond => CifarLoop.EvaluationImagesPerSecond ?? 0;

    public double StepMilliseconds => 1000 * BatchSize / TrainStepImagesPerSecond;

    /// <summary>How many times as long a BALMS step takes as a decoupled step (the original's algorithm).</summary>
    public double BalmsStepTimeRatio => DecoupledRun.TrainImagesPerSecond / BalmsRun.TrainImagesPerSecond;

    /// <summary>The same for BALMS with cached meta features, against a decoupled step with BatchNorm frozen.</summary>
    public double BalmsCachedStepTimeRatio => DecoupledFrozenRun.TrainImagesPerSecond / BalmsCachedRun.TrainImagesPerSecond;

    /// <summary>The whole training loop against PyTorch's bare step (float32), when PyTorch was measured.</summary>
    public double? TrainLoopVsPyTorch => CifarLoop.TrainImagesPerSecond / PyTorch?.TrainImagesPerSecond;

    public double? EvaluationVsPyTorch => EvaluationImagesPerSecond / PyTorch?.EvaluationImagesPerSecond;

    public double? TrainStepVsPyTorch => TrainStepImagesPerSecond / PyTorch?.TrainImagesPerSecond;

    /// <summary>The loop against PyTorch given Balms' OpenMP setting, when that was measured.</summary>
    public double? TrainLoopVsPyTorchWithBalmsOpenMp => CifarLoop.TrainImagesPerSecond / PyTorchWithBalmsOpenMp?.TrainImagesPerSecond;

    /// <summary>The bfloat16 loop against PyTorch's bfloat16 autocast step, when both were measured.</summary>
    public double? TrainLoopBfloat16VsPyTorchBfloat16 => CifarLoopBfloat16?.TrainImagesPerSecond / PyTorchBfloat16?.TrainImagesPerSecond;

    /// <summary>The draw's share of the ImageNet-LT training step it precedes.</summary>
    public double MetaSamplerDrawFraction => MetaSamplerDrawMs / ImageNetStepMs;

    public IReadOnlyList<PerformanceTarget> Targets => PerformanceTarget.Check(this);

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["cpu_model"] = Cpu.Model,
            ["cpu_flags"] = new JsonArray(Cpu.Flags.Order(StringComparer.Ordinal).Select(flag => (JsonNode?)flag).ToArray()),
            ["logical_cpus"] = LogicalCpus,
            ["threads"] = Threads,
            ["batch_size"] = BatchSize,
            ["quick"] = Quick,
            ["load_average_start"] = Round(LoadAverageAtStart),
            ["load_average_end"] = Round(LoadAverageAtEnd),
            ["train_step_images_per_s"] = Round(TrainStepImagesPerSecond),
            ["train_loop_images_per_s"] = Round(CifarLoop.TrainImagesPerSecond),
            ["train_loop_overhead_fraction"] = Round(LoopOverhead, 3),
            ["augmentation_ms_per_batch"] = Round(AugmentationMsPerBatch),
            ["step_ms"] = Round(StepMilliseconds),
            ["fashion_mnist_loop_images_per_s"] = Round(FashionMnistLoop.TrainImagesPerSecond),
            ["fashion_mnist_source"] = FashionMnistSource,
            ["eval_images_per_s"] = Round(EvaluationImagesPerSecond),
            ["decoupled_step_images_per_s"] = Round(DecoupledRun.TrainImagesPerSecond),
            ["balms_step_images_per_s"] = Round(BalmsRun.TrainImagesPerSecond),
            ["balms_step_time_ratio"] = Round(BalmsStepTimeRatio, 3),
            ["decoupled_frozen_bn_step_images_per_s"] = Round(DecoupledFrozenRun.TrainImagesPerSecond),
            ["balms_cached_step_images_per_s"] = Round(BalmsCachedRun.TrainImagesPerSecond),
            ["balms_cached_step_time_ratio"] = Round(BalmsCachedStepTimeRatio, 3),
            ["meta_sampler_draw_ms_imagenet_lt_size"] = Round(MetaSamplerDrawMs),
            ["resnet10_step_ms_imagenet_lt_size"] = Round(ImageNetStepMs),
            ["resnet10_step_timed_at_batch"] = ImageNetStepBatchSize,
            ["meta_sampler_draw_fraction_of_resnet10_step"] = Round(MetaSamplerDrawFraction, 4),
            ["peak_rss_mb"] = Round(PeakResidentMb),
            ["peak_rss_mb_by_family"] = new JsonObject
            {
                ["train_step"] = Round(StepPeakResidentMb),
                ["cifar_end_to_end"] = Round(CifarLoop.PeakResidentMb),
                ["fashion_mnist_end_to_end"] = Round(FashionMnistLoop.PeakResidentMb),
                ["cifar_decoupled"] = Round(DecoupledRun.PeakResidentMb),
                ["cifar_balms"] = Round(BalmsRun.PeakResidentMb),
                ["cifar_balms_cached"] = Round(BalmsCachedRun.PeakResidentMb),
            },
            ["rss_mb_after_epoch"] = new JsonObject
            {
                ["cifar_end_to_end"] = Series(CifarLoop.ResidentMbAfterEpoch),
                ["fashion_mnist_end_to_end"] = Series(FashionMnistLoop.ResidentMbAfterEpoch),
            },
            ["live_tensors_after_epoch"] = new JsonObject
            {
                ["cifar_end_to_end"] = new JsonArray(CifarLoop.LiveTensorsAfterEpoch.Select(n => (JsonNode?)n).ToArray()),
                ["fashion_mnist_end_to_end"] = new JsonArray(FashionMnistLoop.LiveTensorsAfterEpoch.Select(n => (JsonNode?)n).ToArray()),
            },
        };
        if (TrainStepBfloat16ImagesPerSecond is { } bfloat16Step && CifarLoopBfloat16 is { } bfloat16Loop)
        {
            json["train_step_bf16_images_per_s"] = Round(bfloat16Step);
            json["train_loop_bf16_images_per_s"] = Round(bfloat16Loop.TrainImagesPerSecond);
            json["peak_rss_mb_by_family"]!["cifar_end_to_end_bf16"] = Round(bfloat16Loop.PeakResidentMb);
        }
        if (Bfloat16Skipped is not null) json["bfloat16_skipped"] = Bfloat16Skipped;
        if (PyTorch is { } pytorch)
        {
            json["pytorch_version"] = pytorch.TorchVersion;
            json["pytorch_train_step_images_per_s"] = Round(pytorch.TrainImagesPerSecond);
            json["pytorch_eval_images_per_s"] = Round(pytorch.EvaluationImagesPerSecond);
            json["pytorch_peak_rss_mb"] = Round(pytorch.PeakResidentMb);
            json["train_step_vs_pytorch"] = Round(TrainStepVsPyTorch!.Value, 3);
            json["train_loop_vs_pytorch"] = Round(TrainLoopVsPyTorch!.Value, 3);
            json["eval_vs_pytorch"] = Round(EvaluationVsPyTorch!.Value, 3);
        }
        if (PyTorchWithBalmsOpenMp is { } sameOpenMp)
        {
            json["pytorch_balms_openmp_train_step_images_per_s"] = Round(sameOpenMp.TrainImagesPerSecond);
            json["pytorch_balms_openmp_eval_images_per_s"] = Round(sameOpenMp.EvaluationImagesPerSecond);
            json["train_loop_vs_pytorch_balms_openmp"] = Round(TrainLoopVsPyTorchWithBalmsOpenMp!.Value, 3);
        }
        if (PyTorchBfloat16 is { } mixed)
        {
            json["pytorch_bf16_train_step_images_per_s"] = Round(mixed.TrainImagesPerSecond);
            json["train_loop_bf16_vs_pytorch_bf16"] = Round(TrainLoopBfloat16VsPyTorchBfloat16!.Value, 3);
        }
        if (PyTorchSkipped is not null) json["pytorch_skipped"] = PyTorchSkipped;
        json["targets"] = new JsonArray(Targets.Select(target => (JsonNode?)new JsonObject
        {
            ["target"] = target.Key,
            ["value"] = Round(target.Value, 3),
            ["limit"] = target.Limit,
            ["bound"] = target.BoundText.Replace(' ', '_'),
            ["met"] = target.Met,
        }).ToArray());
        return json;
    }

    private static double Round(double value, int digits = 1) => Math.Round(value, digits);

    private static JsonArray Series(IEnumerable<double> values) => new(values.Select(v => (JsonNode?)Round(v)).ToArray());
}
