using Balms.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Losses;

/// <summary>Plain softmax cross-entropy, −log softmax(logits)_y.</summary>
[BuiltFrom(typeof(SoftmaxLossOptions))]
public sealed class SoftmaxCrossEntropy : LongTailLoss
{
    public SoftmaxCrossEntropy() { }

    public SoftmaxCrossEntropy(SoftmaxLossOptions options, LossContext context) { }

    public override Tensor PerSample(Tensor logits, Tensor targets) =>
        nn.functional.cross_entropy(logits, targets, reduction: nn.Reduction.None);
}
