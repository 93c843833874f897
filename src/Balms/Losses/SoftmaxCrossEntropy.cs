using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Losses;

/// <summary>Plain softmax cross-entropy, −log softmax(logits)_y.</summary>
public sealed class SoftmaxCrossEntropy : LongTailLoss
{
    public override Tensor PerSample(Tensor logits, Tensor targets) =>
        nn.functional.cross_entropy(logits, targets, reduction: nn.Reduction.None);
}
