namespace Balms.Sampling;

/// <summary>Decides which training samples form each batch.</summary>
public interface IBatchSampler
{
    int BatchesPerEpoch { get; }

    /// <summary>The index batches of one epoch (0-based). Deterministic for a given seed and epoch.</summary>
    IEnumerable<int[]> EpochBatches(int epoch);
}
