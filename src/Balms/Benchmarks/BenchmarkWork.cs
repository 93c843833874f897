using Balms.Data.LongTail;

namespace Balms.Benchmarks;

/// <summary>
/// How much computation each part of the bench does, counted in images of the bare ResNet-32 training step (float32,
/// 32×32): the parts' shares of a run for its progress lines, and the sizes docs/performance.md adds up to keep the
/// whole bench within 15 minutes on a 2-core AVX2 CPU. Other kinds of work count at the relative speeds of the quiet
/// runs in docs/performance.md.
/// </summary>
internal sealed class BenchmarkWork(BenchmarkSettings settings)
{
    /// <summary>A forward pass without gradients (evaluation, a frozen backbone): about 3 times the step's images/s.</summary>
    private const double ForwardImage = 1 / 3.0;
    /// <summary>bfloat16 mixed precision where the CPU has bfloat16 instructions: about 1.5 times the step's images/s.</summary>
    private const double Bfloat16Image = 2 / 3.0;
    /// <summary>PyTorch's bare step made about 0.8 times ours.</summary>
    private const double PyTorchImage = 1.25;
    /// <summary>Starting Python and importing torch, about 2.5 s.</summary>
    private const double PythonStart = 1000;
    /// <summary>A ResNet-10 training image at 224×224: 27 images/s against the step's 380.</summary>
    private const double ImageNetImage = 14;
    /// <summary>Exponentials of a Meta Sampler draw per step image (about 2.5 ns of one core each, against 2.6 ms).</summary>
    private const double DrawNumbersPerImage = 1e6;
    /// <summary>Reading and augmenting a CIFAR batch on one thread: about 8 ms against the step's 330 ms.</summary>
    private const double AugmentationPerStepImage = 0.03;

    private int StepImages => (settings.WarmupSteps + settings.TimedSteps) * settings.BatchSize;

    private int CifarTrainImages => LongTailPresets.CifarProfile(settings.Classes, settings.ImbalanceFactor, settings.TrainImagesPerClass).Sum();

    private int CifarStepsPerEpoch => StepsPerEpoch(CifarTrainImages, settings.MaxStepsPerEpoch);

    private double CifarEvaluation => settings.TestImagesPerClass * settings.Classes * ForwardImage;

    public double BareStep(bool bfloat16) => StepImages * (bfloat16 ? Bfloat16Image : 1);

    /// <summary>One PyTorch round: float32, float32 with Balms' OpenMP setting when asked, bfloat16 when measured.</summary>
    public double PyTorchRound(bool bfloat16)
    {
        double run = StepImages * PyTorchImage + settings.TimedSteps * settings.EvaluationBatchSize * ForwardImage + PythonStart;
        return run * ((settings.PyTorchWithBalmsOpenMp ? 2 : 1) + (bfloat16 ? Bfloat16Image : 0));
    }

    /// <summary>The CIFAR training loop (every epoch evaluated); in float32 also the augmentation timing before it.</summary>
    public double CifarLoop(bool bfloat16)
    {
        double loop = settings.LoopEpochs * (CifarStepsPerEpoch * settings.BatchSize + CifarEvaluation);
        return bfloat16 ? loop * Bfloat16Image : loop + StepImages * AugmentationPerStepImage;
    }

    /// <summary>The Fashion-MNIST loop (evaluated once) on <paramref name="trainImages"/> and <paramref name="testImages"/>.</summary>
    public double FashionMnistLoop(int trainImages, int testImages) =>
        settings.LoopEpochs * StepsPerEpoch(trainImages, settings.MaxStepsPerEpoch ?? settings.FashionMnistStepsPerEpoch) * settings.BatchSize
        + testImages * ForwardImage;

    /// <summary>
    /// A stage 2 on the CIFAR checkpoint (evaluated once): <paramref name="forwardsPerStep"/> passes of the frozen
    /// backbone per step (two for BALMS), plus one pass over the meta set when its features are cached.
    /// </summary>
    public double StageTwo(int forwardsPerStep, bool cachedMetaFeatures = false) =>
        (settings.DecoupledEpochs * CifarStepsPerEpoch * settings.BatchSize * forwardsPerStep
         + (cachedMetaFeatures ? CifarTrainImages : 0)) * ForwardImage + CifarEvaluation;

    public double MetaSamplerDraws => (settings.DrawRepetitions + 1) * (double)settings.DrawBatchSize * settings.DrawInstances / DrawNumbersPerImage;

    public double ImageNetStep => (settings.WarmupSteps + settings.ImageNetTimedSteps) * settings.ImageNetStepBatchSize * ImageNetImage
                                  * Math.Pow(settings.ImageNetImageSize / 224.0, 2);

    private int StepsPerEpoch(int trainImages, int? cap) => Math.Min(trainImages / settings.BatchSize, cap ?? int.MaxValue);
}
