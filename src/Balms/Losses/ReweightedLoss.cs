using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Losses;

/// <summary>
/// A loss whose per-sample terms may be weighted by a weight of their class, w_y. The batch loss is then the weighted
/// mean sum(w_y * l) / sum(w_y), as PyTorch's cross_entropy(weight=w) computes it (and so LDAM-DRW's code): the loss
/// keeps the scale of a plain mean whatever the batch's classes, where a division by the batch size (Cui et al.'s
/// TensorFlow code) would also scale the learning rate by the batch's mean weight. Without weights it is the plain mean.
/// </summary>
public abstract class ReweightedLoss : LongTailLoss
{
    private PerClassVector? _weights;

    /// <summary>The per-sample losses before weighting, shape [B].</summary>
    protected abstract Tensor Unweighted(Tensor logits, Tensor targets);

    /// <summary>The class weights in use; null = none.</summary>
    public IReadOnlyList<double>? ClassWeights => _weights?.Values;

    /// <summary>Weighs every later sample by <paramref name="weights"/>[its class]; null stops weighting.</summary>
    protected void UseWeights(IReadOnlyList<double>? weights)
    {
        _weights?.Dispose();
        _weights = weights is null ? null : new PerClassVector(weights);
    }

    public override Tensor PerSample(Tensor logits, Tensor targets)
    {
        var unweighted = Unweighted(logits, targets);
        if (_weights is null) return unweighted;
        using (unweighted)
        using (var sampleWeights = _weights.Like(logits).index_select(0, targets))
            return unweighted * sampleWeights;
    }

    public override Tensor Forward(Tensor logits, Tensor targets)
    {
        if (_weights is null) return base.Forward(logits, targets);
        using var perSample = PerSample(logits, targets);
        using var sampleWeights = _weights.Like(logits).index_select(0, targets);
        using var total = perSample.sum();
        return total / sampleWeights.sum();
    }

    public override void Dispose() => _weights?.Dispose();
}
