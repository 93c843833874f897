namespace Balms.Sampling;

/// <summary>Decides which training samples form each batch.</summary>
public interface IBatchSampler
{
    int BatchesPerEpoch { get; }

    /// <summary>
    /// True when an epoch's batches do not depend on training progress, so the loader may prepare them ahead.
    /// The Meta Sampler returns false: each batch must be drawn with the current sampling weights.
    /// </summary>
    bool IndependentOfTraining { get; }

    /// <summary>The index batches of one epoch (0-based). Deterministic for a given seed and epoch.</summary>
    IEnumerable<int[]> EpochBatches(int epoch);
}
