using Balms.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Losses;

/// <summary>
/// LDAM (Cao et al., NeurIPS 2019): softmax cross-entropy with the true class's cosine lowered by its margin
/// Delta_c = C / n_c^(1/4) (C chosen so that the largest margin is max_m), on the cosine head, whose logits are
/// s * cos; so the true logit is lowered by s * Delta_y. With deferred re-weighting (DRW) the class-balanced weights of
/// drw_beta apply from epoch drw_epoch on (the authors defer them to the last fifth of training).
/// </summary>
[BuiltFrom(typeof(LdamLossOptions))]
public sealed class LdamLoss : ReweightedLoss
{
    private readonly PerClassVector _logitMargins;
    private readonly int? _drwEpoch;
    private readonly double[]? _drwWeights;

    /// <exception cref="BalmsException">The head is not the cosine head, a class has no training images, or the DRW
    /// epoch lies after the stage's last epoch.</exception>
    public LdamLoss(LdamLossOptions options, LossContext context)
    {
        var head = context.Head as CosineHeadOptions
                   ?? throw new BalmsException("the LDAM loss needs 'model.head.type: cosine': its margins are in cosine units");
        _logitMargins = new PerClassVector(Margins(context.ClassCounts, options.MaxM).Select(margin => margin * head.Scale).ToArray());
        if (options.DrwEpoch is { } drwEpoch)
        {
            if (drwEpoch > context.Epochs)
                throw new BalmsException($"'training.loss.drw_epoch' is {drwEpoch}, after the last of the stage's {context.Epochs} epochs; it must be between 1 and {context.Epochs}");
            _drwEpoch = drwEpoch;
            _drwWeights = EffectiveNumber.ClassWeights(context.ClassCounts, options.DrwBeta);
        }
    }

    /// <summary>Delta_c proportional to n_c^(-1/4), the largest <paramref name="maxMargin"/> (the rarest class's).</summary>
    /// <exception cref="BalmsException">A class has no training images.</exception>
    public static double[] Margins(IReadOnlyList<long> classCounts, double maxMargin)
    {
        for (int c = 0; c < classCounts.Count; c++)
            if (classCounts[c] < 1)
                throw new BalmsException($"the LDAM margins need at least one training image per class, but class {c} has {classCounts[c]}");
        double[] raw = classCounts.Select(n => Math.Pow(n, -0.25)).ToArray();
        double largest = raw.Max();
        return raw.Select(margin => margin * maxMargin / largest).ToArray();
    }

    /// <summary>Deferred re-weighting: the class weights switch on at the DRW epoch (and stay off before it, also on resume).</summary>
    public override void OnEpochStart(int epoch)
    {
        bool weighted = epoch >= _drwEpoch;
        if (weighted != ClassWeights is not null) UseWeights(weighted ? _drwWeights : null);
    }

    protected override Tensor Unweighted(Tensor logits, Tensor targets)
    {
        using var margins = _logitMargins.Like(logits).index_select(0, targets).unsqueeze(1);
        using var trueClass = nn.functional.one_hot(targets, logits.shape[1]).to(logits.dtype);
        using var shifted = logits - trueClass * margins;
        return nn.functional.cross_entropy(shifted, targets, reduction: nn.Reduction.None);
    }

    public override void Dispose()
    {
        _logitMargins.Dispose();
        base.Dispose();
    }
}
