namespace Balms.Sampling;

/// <summary>Every sample once per epoch in a fresh random order; the last partial batch is dropped.</summary>
public sealed class InstanceSampler(int sampleCount, int batchSize, int seed) : IBatchSampler
{
    public int BatchesPerEpoch => sampleCount / batchSize;

    /// <summary>PyTorch's len(loader) for a shuffled loader that keeps the last partial batch.</summary>
    public int LoaderLength => (sampleCount + batchSize - 1) / batchSize;

    public IEnumerable<int[]> EpochBatches(int epoch)
    {
        var order = Enumerable.Range(0, sampleCount).ToArray();
        Seeds.Shuffle(order, Seeds.Random(seed, epoch));
        for (int b = 0; b < BatchesPerEpoch; b++)
            yield return order[(b * batchSize)..((b + 1) * batchSize)];
    }
}
