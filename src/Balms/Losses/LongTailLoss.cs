using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Losses;

/// <summary>
/// A classification loss for long-tailed training: one job, a forward and an epoch hook (for losses whose weights
/// change during training, such as deferred re-weighting).
/// </summary>
public abstract class LongTailLoss : IDisposable
{
    /// <summary>Per-sample losses, shape [B].</summary>
    public abstract Tensor PerSample(Tensor logits, Tensor targets);

    /// <summary>Mean loss over the batch.</summary>
    public Tensor Forward(Tensor logits, Tensor targets)
    {
        using var perSample = PerSample(logits, targets);
        return perSample.mean();
    }

    public virtual void OnEpochStart(int epoch) { }

    /// <summary>Releases tensors the loss keeps between calls (e.g. a log-prior).</summary>
    public virtual void Dispose() { }
}
