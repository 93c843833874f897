using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Sampling.Meta;

/// <summary>
/// One differentiable SGD-with-momentum step of a linear classifier on the per-sample-weighted Balanced Softmax loss
/// L = (1/B) Σ_b Y_b·CE(W f_b + b + log n, y_b), as PyTorch's SGD would take it: d = ∇L + λθ, v = μm + d (v = d
/// before the first real step), θ' = θ − ηv. The gradient is written out: with p_b = softmax(W f_b + b + log n),
/// ∇_W L = (1/B) Σ_b Y_b (p_b − e_{y_b}) f_bᵀ and ∇_b L = (1/B) Σ_b Y_b (p_b − e_{y_b}); θ' is thus linear in the
/// sample weights Y and differentiable with respect to them (θ itself is treated as a constant).
/// </summary>
public static class VirtualSgdStep
{
    /// <param name="features">f, [B, D].</param>
    /// <param name="labels">y, [B], int64.</param>
    /// <param name="logClassCounts">log n, [C].</param>
    /// <param name="sampleWeights">Y, [B]; may carry a graph (the meta-gradient flows through it).</param>
    /// <returns>θ' = (W' [C, D], b' [C]); the caller disposes them (or their dispose scope does).</returns>
    public static (Tensor Weight, Tensor Bias) Apply(LinearClassifierSnapshot classifier, Tensor features,
        Tensor labels, Tensor logClassCounts, Tensor sampleWeights)
    {
        classifier.Validate();
        ValidateBatch(classifier, features, labels, sampleWeights);
        using var scope = NewDisposeScope();
        var weight = classifier.Weight.detach();
        var bias = classifier.Bias.detach();
        int batchSize = (int)features.shape[0];

        var logits = features.matmul(weight.t()) + bias + logClassCounts;
        var logitGradient = logits.softmax(1) - nn.functional.one_hot(labels, weight.shape[0]).to(logits.dtype);
        var weightedLogitGradient = logitGradient * (sampleWeights.unsqueeze(1) / batchSize);
        var weightGradient = weightedLogitGradient.t().matmul(features);
        var biasGradient = weightedLogitGradient.sum(dim: 0);

        var weightStep = Velocity(weightGradient, weight, classifier.WeightMomentum, classifier);
        var biasStep = Velocity(biasGradient, bias, classifier.BiasMomentum, classifier);
        var newWeight = weight - classifier.LearningRate * weightStep;
        var newBias = bias - classifier.LearningRate * biasStep;
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

    private static Tensor Velocity(Tensor gradient, Tensor parameter, Tensor? momentumBuffer, LinearClassifierSnapshot classifier)
    {
        var direction = gradient + classifier.WeightDecay * parameter;
        return momentumBuffer is null ? direction : classifier.Momentum * momentumBuffer.detach() + direction;
    }
}
