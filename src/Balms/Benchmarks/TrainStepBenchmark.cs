using Balms.Losses;
using Balms.Models;
using Balms.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Benchmarks;

/// <summary>The model and batch of a bare training step.</summary>
public sealed record StepShape(string Backbone, int BatchSize, int Channels, int ImageSize, int Classes);

/// <summary>
/// The bare training step: a backbone's forward, cross-entropy, backward and the SGD-with-momentum update on one fixed
/// synthetic batch. For ResNet-32 on the bench's CIFAR-sized batch it is the same work as benchmarks/pytorch_step.py
/// does in PyTorch; <c>computeType</c> BFloat16 is the mixed precision of model.precision: bfloat16 (pytorch_step.py
/// --bf16 on the PyTorch side).
/// </summary>
public static class TrainStepBenchmark
{
    /// <summary>ResNet-32 on the bench's CIFAR-sized batch.</summary>
    public static double ImagesPerSecond(BenchmarkSettings settings, ScalarType computeType = ScalarType.Float32) =>
        ImagesPerSecond(new StepShape("resnet32", settings.BatchSize, settings.Channels, settings.ImageSize, settings.Classes),
            settings.WarmupSteps, settings.TimedSteps, computeType);

    public static double ImagesPerSecond(StepShape shape, int warmupSteps, int timedSteps, ScalarType computeType = ScalarType.Float32)
    {
        torch.manual_seed(0);
        using var model = LongTailModel.Create(shape.Backbone, shape.Channels, shape.Classes, computeType);
        using var loss = new SoftmaxCrossEntropy();
        using var optimizer = new SgdMomentum(
            [new SgdMomentum.Group("all", model.named_parameters().ToList(), BaseLr: 0.05)], momentum: 0.9, weightDecay: 5e-4);
        using var images = torch.randn(shape.BatchSize, shape.Channels, shape.ImageSize, shape.ImageSize);
        using var labels = torch.randint(0, shape.Classes, shape.BatchSize);
        model.train();
        return StepTiming.ImagesPerSecond(warmupSteps, timedSteps, shape.BatchSize, () =>
        {
            using var scope = torch.NewDisposeScope();
            var logits = model.call(images);
            var batchLoss = loss.Forward(logits, labels);
            optimizer.ZeroGrad();
            batchLoss.backward();
            // As the Trainer: the loss and the number of correct predictions are read every step.
            _ = batchLoss.item<float>();
            _ = logits.argmax(1).eq(labels).sum().item<long>();
            optimizer.Step(group => group.BaseLr);
        });
    }
}
