using static TorchSharp.torch;

namespace Balms.Sampling.Meta;

/// <summary>
/// The linear classifier θ = (W [C, D], b [C]) and the state of its real SGD optimiser at the moment of a meta update.
/// The tensors are read, never modified or differentiated; momentum buffers are null before the first real step.
/// </summary>
/// <param name="LearningRate">The classifier's current learning rate η (after the schedule).</param>
/// <param name="Momentum">SGD momentum μ (no dampening, no Nesterov).</param>
/// <param name="WeightDecay">SGD weight decay λ, applied to W and b.</param>
public sealed record LinearClassifierSnapshot(
    Tensor Weight,
    Tensor Bias,
    double LearningRate,
    Tensor? WeightMomentum = null,
    Tensor? BiasMomentum = null,
    double Momentum = 0.9,
    double WeightDecay = 5e-4)
{
    internal void Validate()
    {
        if (Weight.dim() != 2 || Bias.dim() != 1 || Bias.shape[0] != Weight.shape[0])
            throw new ArgumentException($"classifier must be W [C, D] and b [C], got [{string.Join(", ", Weight.shape)}] and [{string.Join(", ", Bias.shape)}]");
        if ((WeightMomentum is null) != (BiasMomentum is null))
            throw new ArgumentException("momentum buffers must be given for both W and b or for neither");
        if (WeightMomentum is not null && !WeightMomentum.shape.SequenceEqual(Weight.shape))
            throw new ArgumentException("W momentum buffer must have the shape of W");
        if (BiasMomentum is not null && !BiasMomentum.shape.SequenceEqual(Bias.shape))
            throw new ArgumentException("b momentum buffer must have the shape of b");
    }
}
