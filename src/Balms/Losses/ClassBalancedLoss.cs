using Balms.Configuration;
using static TorchSharp.torch;

namespace Balms.Losses;

/// <summary>
/// Class-balanced loss (Cui et al., CVPR 2019): softmax cross-entropy (gamma = 0) or the focal loss (gamma &gt; 0), each
/// sample weighted by the inverse effective number of its class, (1 - beta) / (1 - beta^n_y), the weights scaled to sum
/// to the number of classes (see <see cref="EffectiveNumber"/>); the batch loss is the weighted mean (<see cref="ReweightedLoss"/>).
/// </summary>
[BuiltFrom(typeof(ClassBalancedLossOptions))]
public sealed class ClassBalancedLoss : ReweightedLoss
{
    private readonly double _gamma;

    /// <exception cref="BalmsException">A class has no training images.</exception>
    public ClassBalancedLoss(ClassBalancedLossOptions options, LossContext context)
    {
        _gamma = options.Gamma;
        UseWeights(EffectiveNumber.ClassWeights(context.ClassCounts, options.Beta));
    }

    protected override Tensor Unweighted(Tensor logits, Tensor targets) => FocalLoss.Of(logits, targets, _gamma);
}
