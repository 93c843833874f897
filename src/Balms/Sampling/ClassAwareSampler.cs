namespace Balms.Sampling;

/// <summary>
/// Class-balanced batches from a <see cref="ClassAwareStream"/>. Like the original, an epoch nominally holds
/// max_c n_c x C samples but training stops it after floor(N / B) batches; each epoch's stream is seeded from
/// (seed, epoch) so that batches can be rebuilt after a resume.
/// </summary>
public sealed class ClassAwareSampler(IReadOnlyList<int> labels, int classCount, int samplesPerClass, int batchSize, int seed)
    : IBatchSampler
{
    public int BatchesPerEpoch => labels.Count / batchSize;

    /// <summary>PyTorch's len(loader): ceil(max_c n_c x C / B).</summary>
    public int LoaderLength
    {
        get
        {
            long largest = labels.GroupBy(l => l).Max(g => g.Count());
            return (int)((largest * classCount + batchSize - 1) / batchSize);
        }
    }

    public IEnumerable<int[]> EpochBatches(int epoch)
    {
        var stream = new ClassAwareStream(labels, classCount, samplesPerClass, Seeds.Random(seed, epoch));
        for (int b = 0; b < BatchesPerEpoch; b++) yield return stream.NextBatch(batchSize);
    }
}
