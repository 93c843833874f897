namespace Balms.Data.LongTail;

/// <summary>
/// The samples of a base source at the given indices, in that order. <see cref="BaseIndices"/> is what a run saves
/// so that its training subset can be rebuilt exactly.
/// </summary>
public sealed class SubsetSource : ISampleSource
{
    private readonly int[] _baseIndices;
    private readonly int[] _labels;

    public SubsetSource(ISampleSource baseSource, IEnumerable<int> baseIndices)
    {
        Base = baseSource;
        _baseIndices = baseIndices.ToArray();
        foreach (int index in _baseIndices)
            if (index < 0 || index >= baseSource.Count)
                throw new BalmsException($"subset index {index} is outside the base split of {baseSource.Count} samples");
        _labels = _baseIndices.Select(index => baseSource.Labels[index]).ToArray();
    }

    public ISampleSource Base { get; }
    /// <summary>Index into <see cref="Base"/> of every sample of the subset.</summary>
    public IReadOnlyList<int> BaseIndices => _baseIndices;

    public int Count => _baseIndices.Length;
    public int ClassCount => Base.ClassCount;
    public IReadOnlyList<int> Labels => _labels;
    public IReadOnlyList<string> ClassNames => Base.ClassNames;

    public RawImage Read(int index) => Base.Read(_baseIndices[index]);

    public string Describe(int index) => Base.Describe(_baseIndices[index]);
}
