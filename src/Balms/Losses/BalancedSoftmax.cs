using Balms.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Losses;

/// <summary>
/// Balanced Softmax (Ren et al. 2020): cross-entropy of logits + log n_c, where n_c is the number of training samples
/// of class c. It fits the logits to the class-balanced posterior, so prediction takes the plain argmax of the logits.
/// </summary>
[BuiltFrom(typeof(BalancedSoftmaxLossOptions))]
public sealed class BalancedSoftmax : LongTailLoss
{
    private readonly double[] logClassCounts;
    private Tensor? logPrior;

    /// <exception cref="BalmsException">No classes, or a class with a count below 1.</exception>
    public BalancedSoftmax(long[] classCounts)
    {
        if (classCounts.Length == 0)
            throw new BalmsException("Balanced Softmax needs the training count of at least one class, got none.");
        for (int classIndex = 0; classIndex < classCounts.Length; classIndex++)
        {
            if (classCounts[classIndex] < 1)
                throw new BalmsException(
                    $"Balanced Softmax needs log n_c, but class {classIndex} has {classCounts[classIndex]} training " +
                    "samples; classes without training samples (zero-shot) are unsupported.");
        }
        logClassCounts = classCounts.Select(count => Math.Log(count)).ToArray();
    }

    public BalancedSoftmax(BalancedSoftmaxLossOptions options, LossContext context) : this(context.ClassCounts) { }

    public int NumClasses => logClassCounts.Length;

    public override Tensor PerSample(Tensor logits, Tensor targets)
    {
        if (logits.dim() != 2 || logits.shape[1] != NumClasses)
            throw new BalmsException(
                $"Balanced Softmax was built for {NumClasses} classes but got logits of shape [{string.Join(", ", logits.shape)}].");
        using var adjusted = logits + LogPriorLike(logits);
        return nn.functional.cross_entropy(adjusted, targets, reduction: nn.Reduction.None);
    }

    public override void Dispose() => logPrior?.Dispose();

    /// <summary>log n_c as a [C] tensor on the logits' device and dtype, rebuilt only when those change.</summary>
    private Tensor LogPriorLike(Tensor logits)
    {
        if (logPrior is null || !IsLike(logPrior, logits))
        {
            logPrior?.Dispose();
            // Kept across training steps, so the caller's per-step dispose scope must not own it.
            logPrior = tensor(logClassCounts, logits.dtype, logits.device).DetachFromDisposeScope();
        }
        return logPrior;
    }

    // Device has no value equality, so compare its parts.
    private static bool IsLike(Tensor tensor, Tensor reference) =>
        tensor.dtype == reference.dtype &&
        tensor.device_type == reference.device_type &&
        tensor.device_index == reference.device_index;
}
