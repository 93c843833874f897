using Balms.Configuration;

namespace Balms.Losses;

/// <summary>
/// Balanced Softmax (Ren et al. 2020): cross-entropy of logits + log n_c, where n_c is the number of training samples
/// of class c. It fits the logits to the class-balanced posterior, so prediction takes the plain argmax of the logits.
/// It is the logit-adjusted loss with tau = 1.
/// </summary>
[BuiltFrom(typeof(BalancedSoftmaxLossOptions))]
public sealed class BalancedSoftmax : LogitAdjustedLoss
{
    /// <exception cref="BalmsException">No classes, or a class with a count below 1.</exception>
    public BalancedSoftmax(long[] classCounts) : base(classCounts, tau: 1, "Balanced Softmax") { }

    public BalancedSoftmax(BalancedSoftmaxLossOptions options, LossContext context) : this(context.ClassCounts) { }
}
