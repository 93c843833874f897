using Balms.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Sampling.Meta;

/// <summary>
/// One differentiable SGD-with-momentum step of a linear classifier on the per-sample-weighted training loss
/// L = (1/B) Σ_b Y_b·l(W f_b + b, y_b), where l is the stage's own loss (the original's virtual step runs the configured
/// criterion), taken as PyTorch's SGD would take it: d = ∇L + λθ, v = μm + d (v = d before the first real step),
/// θ' = θ − ηv. ∇L comes from autograd with its graph kept, so θ' stays differentiable with respect to the sample weights
/// Y (θ itself is treated as a constant, as <c>higher</c> does with copy_initial_weights).
/// </summary>
public static class VirtualSgdStep
{
    /// <param name="features">f, [B, D].</param>
    /// <param name="labels">y, [B], int64.</param>
    /// <param name="loss">The stage's loss; its per-sample values are weighted by Y.</param>
    /// <param name="sampleWeights">Y, [B]; may carry a graph (the meta-gradient flows through it).</param>
    /// <returns>θ' = (W' [C, D], b' [C]); the caller disposes them (or their dispose scope does).</returns>
    public static (Tensor Weight, Tensor Bias) Apply(LinearClassifierSnapshot classifier, Tensor features,
        Tensor labels, LongTailLoss loss, Tensor sampleWeights)
    {
        classifier.Validate();
        ValidateBatch(classifier, features, labels, sampleWeights);
        using var scope = NewDisposeScope();
        var weight = classifier.Weight.detach().requires_grad_(true);
        var bias = classifier.Bias.detach().requires_grad_(true);

        var logits = features.matmul(weight.t()) + bias;
        var weightedLoss = (loss.PerSample(logits, labels) * sampleWeights).mean();
        var gradients = torch.autograd.grad([weightedLoss], [weight, bias], create_graph: true);

        var newWeight = weight.detach() - classifier.LearningRate * Velocity(gradients[0], weight, classifier.WeightMomentum, classifier);
        var newBias = bias.detach() - classifier.LearningRate * Velocity(gradients[1], bias, classifier.BiasMomentum, classifier);
        return (newWeight.MoveToOuterDisposeScope(), newBias.MoveToOuterDisposeScope());
    }

    private static void ValidateBatch(LinearClassifierSnapshot classifier, Tensor features, Tensor labels, Tensor sampleWeights)
    {
        if (features.dim() != 2 || features.shape[1] != classifier.Weight.shape[1])
            throw new ArgumentException($"features must be [B, {classifier.Weight.shape[1]}], got [{string.Join(", ", features.shape)}]");
        long batchSize = features.shape[0];
        if (!labels.shape.SequenceEqual([batchSize]) || !sampleWeights.shape.SequenceEqual([batchSize]))
            throw new ArgumentException($"labels and sample weights must both be [{batchSize}]");
    }

    // The decay and momentum terms do not depend on Y: they enter as constants.
    private static Tensor Velocity(Tensor gradient, Tensor parameter, Tensor? momentumBuffer, LinearClassifierSnapshot classifier)
    {
        var direction = gradient + classifier.WeightDecay * parameter.detach();
        return momentumBuffer is null ? direction : classifier.Momentum * momentumBuffer.detach() + direction;
    }
}
