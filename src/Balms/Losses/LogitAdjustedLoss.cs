using Balms.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Losses;

/// <summary>
/// Logit-adjusted cross-entropy (Menon et al., ICLR 2021): cross-entropy of logits + tau * log pi_c, where pi_c is the
/// share of class c in the training set. The logits then fit the posterior for the prior pi^(1 - tau): balanced at
/// tau = 1, which is Balanced Softmax (the log n_c of Balanced Softmax differ from log pi_c by a constant, which the
/// softmax ignores).
/// </summary>
[BuiltFrom(typeof(LogitAdjustedLossOptions))]
public class LogitAdjustedLoss : LongTailLoss
{
    private readonly PerClassVector _scaledLogPrior;
    private readonly string _name;

    /// <param name="name">The loss as errors name it.</param>
    /// <exception cref="BalmsException">No classes, or (tau &gt; 0) a class with a count below 1.</exception>
    protected LogitAdjustedLoss(long[] classCounts, double tau, string name)
    {
        _name = name;
        if (classCounts.Length == 0)
            throw new BalmsException($"{name} needs the training count of at least one class, got none.");
        for (int classIndex = 0; tau > 0 && classIndex < classCounts.Length; classIndex++)
        {
            if (classCounts[classIndex] < 1)
                throw new BalmsException(
                    $"{name} needs log n_c, but class {classIndex} has {classCounts[classIndex]} training " +
                    "samples; classes without training samples (zero-shot) are unsupported.");
        }
        double logTotal = Math.Log(classCounts.Sum());
        _scaledLogPrior = new PerClassVector(classCounts.Select(count => tau == 0 ? 0 : tau * (Math.Log(count) - logTotal)).ToArray());
    }

    public LogitAdjustedLoss(LogitAdjustedLossOptions options, LossContext context)
        : this(context.ClassCounts, options.Tau, "the logit-adjusted loss") { }

    public int NumClasses => _scaledLogPrior.Count;

    public override Tensor PerSample(Tensor logits, Tensor targets)
    {
        if (logits.dim() != 2 || logits.shape[1] != NumClasses)
            throw new BalmsException(
                $"{_name} was built for {NumClasses} classes but got logits of shape [{string.Join(", ", logits.shape)}].");
        using var adjusted = logits + _scaledLogPrior.Like(logits);
        return nn.functional.cross_entropy(adjusted, targets, reduction: nn.Reduction.None);
    }

    public override void Dispose() => _scaledLogPrior.Dispose();
}
