using Balms.Data;

namespace Balms.Tests.Data.LongTail;

/// <summary>A source with given labels whose 1x1 image holds the low byte of the sample index.</summary>
public sealed class LabelOnlySource(int[] labels, int classCount) : ISampleSource
{
    public int Count => labels.Length;
    public int ClassCount => classCount;
    public IReadOnlyList<int> Labels => labels;
    public IReadOnlyList<string> ClassNames { get; } = Enumerable.Range(0, classCount).Select(c => $"class{c}").ToArray();
    public RawImage Read(int index) => new([(byte)index], 1, 1, 1);
    public string Describe(int index) => $"sample {index}";

    /// <summary>perClass images of each class, classes interleaved (0, 1, ..., C-1, 0, 1, ...) like a shuffled split.</summary>
    public static LabelOnlySource Balanced(int classCount, int perClass) =>
        new(Enumerable.Range(0, classCount * perClass).Select(i => i % classCount).ToArray(), classCount);
}
