using Balms.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Sampling.Meta;

/// <summary>
/// The meta objective of BALMS and its gradient with respect to the sampler logits w: the classifier takes a virtual
/// SGD step on the drawn batch with the stage's loss and per-sample weights Y_b = Y[b, k_b] (value 1, gradient of
/// y_soft[b, k_b]), and the stepped classifier is scored with plain mean cross-entropy on a class-balanced meta batch.
/// Since the step is linear in Y, dL_meta/dw_c = −(η/B) Σ_b ⟨∇_θ L_meta(θ'), ∇_θ l_b(θ)⟩ · ∂y_soft[b,k_b]/∂w_c.
/// </summary>
public static class MetaGradient
{
    /// <param name="samplingLogits">w, [C], a leaf that requires grad.</param>
    /// <param name="draw">The Gumbel draw that selected the training batch.</param>
    /// <param name="trainFeatures">Frozen features of the drawn instances, [B, D], in draw order.</param>
    /// <param name="loss">The stage's training loss, which the virtual step takes (as the original's does).</param>
    /// <returns>The meta loss L_meta(θ') and dL_meta/dw (length C).</returns>
    public static (double MetaLoss, double[] Gradient) Compute(Tensor samplingLogits, GumbelDraw draw,
        Tensor trainFeatures, LongTailLoss loss, LinearClassifierSnapshot classifier, MetaBatch meta)
    {
        if (trainFeatures.dim() != 2 || trainFeatures.shape[0] != draw.BatchSize)
            throw new ArgumentException($"training features must be [{draw.BatchSize}, D] to match the draw, got [{string.Join(", ", trainFeatures.shape)}]");
        if (meta.Features.dim() != 2 || !meta.Labels.shape.SequenceEqual([meta.Features.shape[0]]))
            throw new ArgumentException("meta batch must be features [M, D] with labels [M]");

        using var scope = NewDisposeScope();
        var (dtype, device) = (trainFeatures.dtype, trainFeatures.device);
        var features = trainFeatures.detach();
        var labels = tensor(draw.Labels.Select(c => (long)c).ToArray(), int64, device);
        var sampleWeights = draw.StraightThroughWeights(nn.functional.logsigmoid(samplingLogits)).to(dtype, device);

        var (steppedWeight, steppedBias) = VirtualSgdStep.Apply(classifier, features, labels, loss, sampleWeights);
        var metaLogits = meta.Features.detach().matmul(steppedWeight.t()) + steppedBias;
        var metaLoss = nn.functional.cross_entropy(metaLogits, meta.Labels);
        var gradient = torch.autograd.grad([metaLoss], [samplingLogits])[0];
        return (metaLoss.ToDouble(), gradient.to(float64).data<double>().ToArray());
    }
}
