using Balms.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Losses;

/// <summary>
/// Focal loss on the softmax (Lin et al., ICCV 2017, in the multi-class form of Cao et al.'s LDAM-DRW code):
/// -(1 - p_y)^gamma log p_y, which lowers the loss of samples already classified with confidence. gamma = 0 is softmax
/// cross-entropy.
/// </summary>
[BuiltFrom(typeof(FocalLossOptions))]
public sealed class FocalLoss : LongTailLoss
{
    private readonly double _gamma;

    public FocalLoss(FocalLossOptions options, LossContext context) => _gamma = options.Gamma;

    public override Tensor PerSample(Tensor logits, Tensor targets) => Of(logits, targets, _gamma);

    /// <summary>-(1 - p_y)^<paramref name="gamma"/> log p_y per sample, shape [B].</summary>
    public static Tensor Of(Tensor logits, Tensor targets, double gamma)
    {
        var crossEntropy = nn.functional.cross_entropy(logits, targets, reduction: nn.Reduction.None);
        if (gamma == 0) return crossEntropy;
        using (crossEntropy)
        // 1 - p_y = -expm1(log p_y), exact where p_y is close to 1. Held above 0: at p_y = 1 the derivative of
        // (1 - p_y)^gamma with gamma < 1 is infinite, and times the zero derivative of p_y it would give NaN.
        using (var missing = crossEntropy.neg().expm1().neg().clamp_min(1e-12))
        using (var modulation = missing.pow(gamma))
            return modulation * crossEntropy;
    }
}
