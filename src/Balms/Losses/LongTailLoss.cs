using Balms.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Losses;

/// <summary>What a loss may need to know about the stage that trains with it.</summary>
/// <param name="ClassCounts">n_c: training images per class.</param>
/// <param name="Epochs">The stage's number of epochs (for losses that change during training).</param>
/// <param name="Head">The classifier head's options (LDAM reads the cosine head's scale); null = linear.</param>
public sealed record LossContext(long[] ClassCounts, int Epochs, HeadOptions? Head = null);

/// <summary>
/// A classification loss for long-tailed training: one job, a forward and an epoch hook (for losses whose weights
/// change during training, such as deferred re-weighting). Each loss class is marked with the options record it is
/// built from (<see cref="BuiltFromAttribute"/>) and has a constructor (options, <see cref="LossContext"/>).
/// </summary>
public abstract class LongTailLoss : IDisposable
{
    /// <summary>The loss that <c>training.loss</c> names.</summary>
    /// <exception cref="BalmsException">The options do not fit the stage (e.g. a class without training images).</exception>
    public static LongTailLoss Create(LossOptions options, LossContext context) => BuiltFrom.Create<LongTailLoss>(options, context);

    /// <summary>Per-sample losses, shape [B] (a re-weighted loss includes each sample's class weight).</summary>
    public abstract Tensor PerSample(Tensor logits, Tensor targets);

    /// <summary>The batch's loss: the mean of the per-sample losses (re-weighted losses divide by their weights' sum).</summary>
    public virtual Tensor Forward(Tensor logits, Tensor targets)
    {
        using var perSample = PerSample(logits, targets);
        return perSample.mean();
    }

    /// <summary>
    /// The loss of mixed images (mixup, CutMix): lambda * loss(targets) + (1 - lambda) * loss(otherTargets), each term
    /// this loss's own batch loss, so that prior shifts, margins and class weights apply to both labels of a sample.
    /// </summary>
    public Tensor Forward(Tensor logits, Tensor targets, Tensor otherTargets, double lambda)
    {
        using var first = Forward(logits, targets);
        using var second = Forward(logits, otherTargets);
        return first * lambda + second * (1 - lambda);
    }

    public virtual void OnEpochStart(int epoch) { }

    /// <summary>Releases tensors the loss keeps between calls (e.g. a log-prior).</summary>
    public virtual void Dispose() { }
}
