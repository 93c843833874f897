using Balms.Training;

namespace Balms.Benchmarks;

/// <summary>Sizes and repetitions of one `balms bench` run.</summary>
public sealed record BenchmarkSettings
{
    /// <summary>Intra-op threads of the training step (torch.set_num_threads), also given to the PyTorch reference.</summary>
    public int Threads { get; init; } = Math.Max(1, Environment.ProcessorCount);
    public int BatchSize { get; init; } = 128;
    public int EvaluationBatchSize { get; init; } = 256;
    public int Channels { get; init; } = 3;
    public int ImageSize { get; init; } = 32;
    public int Classes { get; init; } = 10;
    public int WarmupSteps { get; init; } = 2;
    public int TimedSteps { get; init; } = 10;

    /// <summary>
    /// Measurements of the bare step (and of the PyTorch reference) alternate in this many rounds, half right before
    /// the CIFAR training loop and half right after it, so that a change in machine load affects all three alike.
    /// </summary>
    public int StepRounds { get; init; } = 2;

    /// <summary>Synthetic CIFAR-10: images per class in the full training split (= the head class of the LT subset).</summary>
    public int TrainImagesPerClass { get; init; } = 1000;
    public int TestImagesPerClass { get; init; } = 200;
    public double ImbalanceFactor { get; init; } = 200;

    /// <summary>Epochs of the end-to-end loops; the resident memory is read after each.</summary>
    public int LoopEpochs { get; init; } = 4;

    /// <summary>Epochs of the decoupled and BALMS runs.</summary>
    public int DecoupledEpochs { get; init; } = 2;

    /// <summary>Optional cap on the steps of an epoch (null: whole epochs).</summary>
    public int? MaxStepsPerEpoch { get; init; }

    /// <summary>Steps of a Fashion-MNIST-LT epoch (its full epoch would take minutes), unless MaxStepsPerEpoch is set.</summary>
    public int FashionMnistStepsPerEpoch { get; init; } = 20;

    /// <summary>The Meta Sampler draw is timed at ImageNet-LT's size: N instances, C classes, batch B (BALMS's 512).</summary>
    public int DrawInstances { get; init; } = 115_846;
    public int DrawClasses { get; init; } = 1000;
    public int DrawBatchSize { get; init; } = 512;
    public int DrawRepetitions { get; init; } = 3;

    /// <summary>
    /// The training step the draw is judged against (it must take under 5 % of it): ResNet-10 at ImageNet-LT's 224×224
    /// and 1,000 classes, timed at this batch and scaled linearly to DrawBatchSize images, whose activations would
    /// take gigabytes.
    /// </summary>
    public int ImageNetStepBatchSize { get; init; } = 16;
    public int ImageNetImageSize { get; init; } = 224;
    public int ImageNetClasses { get; init; } = 1000;
    public int ImageNetTimedSteps { get; init; } = 2;

    /// <summary>The CPU the bench runs on: without bfloat16 instructions its bfloat16 parts are skipped.</summary>
    public CpuInfo Cpu { get; init; } = CpuInfo.Current;

    /// <summary>Threads that augment batches ahead of the step (data.workers).</summary>
    public int LoaderWorkers { get; init; } = 1;

    /// <summary>Read Debian's Fashion-MNIST files when installed (else a synthetic IDX set is written).</summary>
    public bool UseInstalledFashionMnist { get; init; } = true;

    public string Python { get; init; } = "/usr/bin/python3";

    /// <summary>Also measure PyTorch with the OpenMP setting Balms runs with (GOMP_SPINCOUNT, see NativeRuntime).</summary>
    public bool PyTorchWithBalmsOpenMp { get; init; } = true;

    /// <summary>True for <see cref="Quick"/>: its figures say nothing about the performance goals.</summary>
    public bool IsQuick { get; init; }

    /// <summary>The full benchmark, sized to finish within 15 minutes on two AVX2 cores (docs/performance.md counts its work).</summary>
    public static BenchmarkSettings Full => new();

    /// <summary>Seconds' worth, for tests: tiny batches and datasets, one timed step of each kind.</summary>
    public static BenchmarkSettings Quick => new()
    {
        BatchSize = 8, EvaluationBatchSize = 8, WarmupSteps = 1, TimedSteps = 1, StepRounds = 1,
        TrainImagesPerClass = 16, TestImagesPerClass = 2, ImbalanceFactor = 2, LoopEpochs = 2, DecoupledEpochs = 1,
        MaxStepsPerEpoch = 3, UseInstalledFashionMnist = false, PyTorchWithBalmsOpenMp = false,
        DrawInstances = 500, DrawClasses = 20, DrawBatchSize = 8, DrawRepetitions = 1,
        ImageNetStepBatchSize = 2, ImageNetImageSize = 32, ImageNetClasses = 20, ImageNetTimedSteps = 1, IsQuick = true,
    };
}
