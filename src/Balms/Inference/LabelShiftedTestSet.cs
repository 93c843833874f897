using System.Globalization;
using Balms.Data;
using Balms.Data.LongTail;

namespace Balms.Inference;

/// <summary>
/// Test sets with another class prior, drawn from a (balanced) test set as in the label-shift evaluations of LADE and
/// SADE: "forward:IF" is long-tailed like the training set (the class with the most training images keeps the most
/// test images, the ratio between first and last is IF), "backward:IF" is the reverse, and a JSON file gives
/// per-class weights. Class c keeps floor(m * w_c / max w) test images, m = the smallest test count of a class, with
/// w_c = IF^(−r_c / (C − 1)) for the class of training-count rank r_c (0 = most training images; ties by class id;
/// backward uses C − 1 − r_c). Forward and backward keep at least one image a class.
/// </summary>
public static class LabelShiftedTestSet
{
    /// <exception cref="BalmsException">The spec is malformed, or a class has no test image.</exception>
    public static int[] Counts(string spec, IReadOnlyList<long> trainCounts, IReadOnlyList<long> testCounts)
    {
        int classCount = trainCounts.Count;
        long smallest = testCounts.Min();
        if (smallest < 1)
            throw new BalmsException($"--test-prior needs test images of every class, but class {IndexOfMin(testCounts)} has none");
        string[] parts = spec.Split(':', 2);
        if (parts[0] is "forward" or "backward")
        {
            if (parts.Length != 2 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double factor) || !(factor >= 1))
                throw new BalmsException($"--test-prior {spec}: expected {parts[0]}:IF with an imbalance factor IF >= 1, e.g. {parts[0]}:50");
            int[] rank = TrainingRanks(trainCounts);
            return Enumerable.Range(0, classCount).Select(c =>
            {
                int r = parts[0] == "forward" ? rank[c] : classCount - 1 - rank[c];
                double weight = classCount == 1 ? 1 : Math.Pow(factor, -(double)r / (classCount - 1));
                return Math.Max(1, (int)Math.Floor(smallest * weight));
            }).ToArray();
        }
        double[] weights = PriorAdjustment.ReadWeights(spec, classCount, "--test-prior", "forward:IF, backward:IF");
        PriorAdjustment.Normalize(weights, spec);
        double largest = weights.Max();
        return weights.Select(w => (int)Math.Floor(smallest * w / largest)).ToArray();
    }

    /// <summary>The test images kept: for each class a seeded random choice of counts[c] of its images.</summary>
    public static ImageDataset Draw(ImageDataset test, IReadOnlyList<int> counts, int seed) =>
        new(LongTailSubsets.RandomPerClass(test.Source, counts, seed), test.Transform);

    /// <summary>Rank of every class by training images, most first; ties keep class-id order.</summary>
    private static int[] TrainingRanks(IReadOnlyList<long> trainCounts)
    {
        int[] order = Enumerable.Range(0, trainCounts.Count).OrderByDescending(c => trainCounts[c]).ThenBy(c => c).ToArray();
        var rank = new int[order.Length];
        for (int r = 0; r < order.Length; r++) rank[order[r]] = r;
        return rank;
    }

    private static int IndexOfMin(IReadOnlyList<long> values) =>
        Enumerable.Range(0, values.Count).First(c => values[c] == values.Min());
}
