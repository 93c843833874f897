namespace Balms.Data;

/// <summary>
/// Random access to labelled images of one split. Implementations must be safe to read from several threads at once,
/// because the batch loader decodes samples in parallel.
/// </summary>
public interface ISampleSource
{
    int Count { get; }
    int ClassCount { get; }
    /// <summary>Label of every sample, in index order.</summary>
    IReadOnlyList<int> Labels { get; }
    /// <summary>Human-readable class names (index = class id).</summary>
    IReadOnlyList<string> ClassNames { get; }
    RawImage Read(int index);
    /// <summary>Where sample <paramref name="index"/> comes from, for error messages (file, record number).</summary>
    string Describe(int index);
}

/// <summary>Turns a decoded image into a normalised CHW float sample. Must be thread-safe (it is stateless).</summary>
public interface IImageTransform
{
    SampleShape OutputShape { get; }
    /// <summary>Writes the transformed sample into <paramref name="destination"/> (length OutputShape.Length).</summary>
    void Apply(RawImage image, Random random, Span<float> destination);
}

/// <summary>A split ready for training or evaluation: its samples and how to turn them into tensors.</summary>
public sealed record ImageDataset(ISampleSource Source, IImageTransform Transform)
{
    public int Count => Source.Count;
    public int ClassCount => Source.ClassCount;
    public IReadOnlyList<int> Labels => Source.Labels;

    /// <summary>Images per class, index = class id (classes without images count 0).</summary>
    public long[] ClassCounts()
    {
        var counts = new long[ClassCount];
        foreach (int label in Labels) counts[label]++;
        return counts;
    }
}
