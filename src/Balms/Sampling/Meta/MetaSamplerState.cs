namespace Balms.Sampling.Meta;

/// <summary>
/// Everything the Meta Sampler needs to resume: the per-class logits w and the Adam state that updates them (stored in
/// the run's checkpoints by MetaSamplerUpdate). The Gumbel noise needs no state because each step's noise is seeded
/// from the sampler seed, the epoch and the step.
/// </summary>
public sealed record MetaSamplerState(double[] Logits, double[] AdamFirstMoment, double[] AdamSecondMoment, long AdamStep)
{
    public int NumClasses => Logits.Length;

    /// <summary>Throws a <see cref="BalmsException"/> naming <paramref name="sourceName"/> unless the state is usable.</summary>
    public void Validate(string sourceName)
    {
        if (AdamFirstMoment.Length != NumClasses || AdamSecondMoment.Length != NumClasses)
            throw new BalmsException($"{sourceName}: meta sampler Adam state must have {NumClasses} entries per moment");
        if (!Logits.Concat(AdamFirstMoment).Concat(AdamSecondMoment).All(double.IsFinite))
            throw new BalmsException($"{sourceName}: meta sampler state contains non-finite values");
        if (AdamSecondMoment.Any(v => v < 0))
            throw new BalmsException($"{sourceName}: meta sampler Adam second moment must be non-negative");
        if (AdamStep < 0)
            throw new BalmsException($"{sourceName}: meta sampler Adam step must be non-negative, got {AdamStep}");
    }
}
