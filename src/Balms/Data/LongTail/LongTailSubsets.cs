namespace Balms.Data.LongTail;

/// <summary>
/// Picks a long-tailed subset with given images per class from a (balanced) training split. Subsets list the chosen
/// samples class by class, class 0 first, like the original CIFAR-LT code.
/// </summary>
public static class LongTailSubsets
{
    /// <summary>For each class c, the first counts[c] samples of class c in source order.</summary>
    public static SubsetSource FirstPerClass(ISampleSource source, IReadOnlyList<int> counts)
    {
        var byClass = IndicesByClass(source, counts);
        return new SubsetSource(source, byClass.SelectMany((indices, c) => indices.Take(counts[c])));
    }

    /// <summary>
    /// For each class c, a uniformly random counts[c] samples of class c. One <see cref="Random"/>(seed) stream serves
    /// the classes in order 0..C-1; for each class, over its indices in source order, a partial Fisher-Yates shuffle
    /// swaps position i (i = 0..counts[c]-1) with position i + Next(m - i), m = images of the class, and keeps the
    /// first counts[c] positions. The same seed always gives the same subset.
    /// </summary>
    public static SubsetSource RandomPerClass(ISampleSource source, IReadOnlyList<int> counts, int seed)
    {
        var byClass = IndicesByClass(source, counts);
        var random = new Random(seed);
        var chosen = new List<int>();
        for (int c = 0; c < byClass.Length; c++)
        {
            var indices = byClass[c];
            for (int i = 0; i < counts[c]; i++)
            {
                int j = i + random.Next(indices.Count - i);
                (indices[i], indices[j]) = (indices[j], indices[i]);
            }
            chosen.AddRange(indices.Take(counts[c]));
        }
        return new SubsetSource(source, chosen);
    }

    private static List<int>[] IndicesByClass(ISampleSource source, IReadOnlyList<int> counts)
    {
        if (counts.Count != source.ClassCount)
            throw new BalmsException($"long-tail profile has {counts.Count} class counts but the data has {source.ClassCount} classes");
        var byClass = Enumerable.Range(0, source.ClassCount).Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < source.Count; i++) byClass[source.Labels[i]].Add(i);
        for (int c = 0; c < byClass.Length; c++)
        {
            if (counts[c] < 0) throw new BalmsException($"long-tail profile asks for {counts[c]} images of class {c}");
            if (byClass[c].Count < counts[c])
                throw new DataException(
                    $"class {c} ('{source.ClassNames[c]}') has {byClass[c].Count} training images but the long-tail profile asks for {counts[c]}");
        }
        return byClass;
    }
}
