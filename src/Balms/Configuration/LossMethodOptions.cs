using System.Reflection;

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

/// <summary>
/// LDAM (Cao et al., NeurIPS 2019): the true class's cosine logit lowered by the margin Delta_c = C / n_c^(1/4), C chosen
/// so that the largest margin is max_m, on the normalised (cosine) classifier head whose scale s turns cosines into
/// logits; with deferred re-weighting (DRW) the class-balanced weights of drw_beta switch on at drw_epoch.
/// </summary>
[ConfigType("ldam")]
public sealed record LdamLossOptions : LossOptions
{
    /// <summary>The largest margin, in cosine units (the authors' 0.5).</summary>
    [Range(0, 2)] public double MaxM { get; init; } = 0.5;
    /// <summary>First epoch (counted from 1) trained with the class-balanced weights; null = LDAM without DRW.</summary>
    [Range(1)] public int? DrwEpoch { get; init; }
    /// <summary>beta of the deferred class-balanced weights (the authors' 0.9999).</summary>
    [Range(0, 1)] public double DrwBeta { get; init; } = 0.9999;

    /// <summary>The margins are in cosine units: the head must be the normalised classifier.</summary>
    public override Type? RequiredHead => typeof(CosineHeadOptions);

    /// <summary>
    /// The weights that end the stage shift the prior as class-balanced weighting does; the margins, which only lower
    /// the true class's logit during training, are not a prior shift and are not counted.
    /// </summary>
    public override ModelPrior FittedPrior(ModelPrior batchPrior) => DrwEpoch is null ? batchPrior : batchPrior.Reweighted(DrwBeta);
}

/// <summary>
/// The normalised (cosine) classifier of LDAM: logits = scale * cos(f, w_c), without bias. The scale turns cosines into
/// logits for the loss and for the probabilities of evaluation and prediction.
/// </summary>
[ConfigType("cosine")]
public sealed record CosineHeadOptions : HeadOptions
{
    [Range(1, 100)] public double Scale { get; init; } = 30;
}

/// <summary>
/// Mixing two training images and their labels, for end-to-end training (<c>training.mix</c>). Every loss trains on
/// mixed images as lambda * loss(y_a) + (1 - lambda) * loss(y_b), with lambda drawn from Beta(alpha, alpha) per batch and
/// y_b the labels of the batch in a shuffled order.
/// </summary>
public abstract record MixOptions
{
    [Range(0, 100, MinimumExclusive = true)] public double Alpha { get; init; } = 1.0;
}

/// <summary>mixup (Zhang et al., ICLR 2018): the whole images blended, lambda * x_a + (1 - lambda) * x_b.</summary>
[ConfigType("mixup")]
public sealed record MixupOptions : MixOptions;

/// <summary>
/// CutMix (Yun et al., ICCV 2019): a box covering about 1 - lambda of the image pasted from x_b, lambda then set to the
/// share of x_a that remains.
/// </summary>
[ConfigType("cutmix")]
public sealed record CutMixOptions : MixOptions;

/// <summary>
/// The MaxNorm constraint of weight balancing (Alshammari et al., CVPR 2022): after every optimiser step each class's
/// weight vector of the linear classifier is projected onto the ball of radius r = min + threshold * (max - min) of the
/// per-class norms of the classifier the stage starts from (the authors' per-layer threshold); the bias is free.
/// </summary>
public sealed record MaxNormOptions
{
    [Range(0, 1)] public double Threshold { get; init; } = 0.1;
}

/// <summary>The config checks of the combinations these methods allow, one line each (called by <see cref="ConfigLoader"/>).</summary>
internal static class LossMethodRules
{
    public static void Validate(ExperimentOptions options)
    {
        var training = options.Training;
        var head = options.Model.Head;
        if (training.Loss.RequiredHead is { } required && head.GetType() != required)
            throw new ConfigException($"'training.loss.type: {ConfigBinder.VariantName(training.Loss)}' needs 'model.head.type: {required.GetCustomAttribute<ConfigTypeAttribute>()!.Name}', got '{ConfigBinder.VariantName(head)}'");
        if (training.Sampler is MetaSamplerOptions && head is not LinearHeadOptions)
            throw new ConfigException($"'training.sampler.type: meta' (BALMS) needs 'model.head.type: linear', got '{ConfigBinder.VariantName(head)}': the Meta Sampler's virtual step updates a linear classifier");
        if (training.Mix is not null && training.Stage != TrainingStage.EndToEnd)
            throw new ConfigException("'training.mix' (mixup, CutMix) applies to end-to-end training only ('training.stage: end_to_end')");
        if (training.MaxNorm is not null && (training.Stage != TrainingStage.Decoupled || training.ResetClassifier))
            throw new ConfigException("'training.max_norm' constrains the classifier a stage starts from (weight balancing's stage 2): it needs 'training.stage: decoupled' with 'training.reset_classifier: false'; an end-to-end stage or a fresh classifier has none to constrain");
        if (training.MaxNorm is not null && head is not LinearHeadOptions)
            throw new ConfigException($"'training.max_norm' constrains the per-class weights of the linear classifier; the {ConfigBinder.VariantName(head)} head has none to constrain");
    }
}
