using Balms.Losses;
using Balms.Models;
using Balms.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Benchmarks;

/// <summary>
/// The bare training step: ResNet-32 forward, cross-entropy, backward and the SGD-with-momentum update on one fixed
/// synthetic batch; the same work as benchmarks/pytorch_step.py does in PyTorch. <c>computeType</c> BFloat16 is the
/// mixed precision of model.precision: bfloat16 (pytorch_step.py --bf16 on the PyTorch side).
/// </summary>
public static class TrainStepBenchmark
{
    public static double ImagesPerSecond(BenchmarkSettings settings, ScalarType computeType = ScalarType.Float32)
    {
        torch.manual_seed(0);
        using var model = LongTailModel.Create("resnet32", settings.Channels, settings.Classes, computeType);
        using var loss = new SoftmaxCrossEntropy();
        using var optimizer = new SgdMomentum(
            [new SgdMomentum.Group("all", model.named_parameters().ToList(), BaseLr: 0.05)], momentum: 0.9, weightDecay: 5e-4);
        using var images = torch.randn(settings.BatchSize, settings.Channels, settings.ImageSize, settings.ImageSize);
        using var labels = torch.randint(0, settings.Classes, settings.BatchSize);
        model.train();
        return StepTiming.ImagesPerSecond(settings.WarmupSteps, settings.TimedSteps, settings.BatchSize, () =>
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
