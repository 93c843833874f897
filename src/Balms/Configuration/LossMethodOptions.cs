namespace Balms.Configuration;

/// <summary>
/// Logit-adjusted cross-entropy (Menon et al., ICLR 2021): cross-entropy of logits + tau * log pi_c, with pi_c the
/// training class frequencies. tau = 1 is Balanced Softmax; tau = 0 is plain softmax cross-entropy.
/// </summary>
[ConfigType("logit_adjusted")]
public sealed record LogitAdjustedLossOptions : LossOptions
{
    [Range(0, 5)] public double Tau { get; init; } = 1.0;

    /// <summary>The loss takes tau * log pi out of the logits: they fit pi_batch / pi_train^tau.</summary>
    public override ModelPrior FittedPrior(ModelPrior batchPrior) => batchPrior.DividedByTrain(Tau);
}

/// <summary>
/// Focal loss on the softmax (Lin et al., ICCV 2017, in the multi-class form of Cao et al.'s code):
/// -(1 - p_y)^gamma log p_y. gamma = 0 is plain softmax cross-entropy.
/// </summary>
[ConfigType("focal")]
public sealed record FocalLossOptions : LossOptions
{
    [Range(0, 10)] public double Gamma { get; init; } = 1.0;
}

/// <summary>
/// Class-balanced loss (Cui et al., CVPR 2019): each sample's loss weighted by (1 - beta) / (1 - beta^n_y), the inverse
/// effective number of its class, the weights scaled to sum to the number of classes. On softmax cross-entropy
/// (gamma = 0) or on the focal loss (gamma &gt; 0). beta = 0 weighs every class alike; beta = 1 is inverse frequency.
/// </summary>
[ConfigType("class_balanced")]
public sealed record ClassBalancedLossOptions : LossOptions
{
    [Range(0, 1)] public double Beta { get; init; } = 0.9999;
    /// <summary>Focal exponent; 0 = softmax cross-entropy.</summary>
    [Range(0, 10)] public double Gamma { get; init; }

    public override ModelPrior FittedPrior(ModelPrior batchPrior) => batchPrior.Reweighted(Beta);
}
