using static TorchSharp.torch;

namespace Balms.Sampling.Meta;

/// <summary>
/// Draws B instances with replacement, P(i) ∝ s_{y_i}, by hard Gumbel-softmax: k_b = argmax_i (log s_{y_i} + g_{b,i}).
/// With E = exp(−g) ~ Exp(1), and s constant within a class, the argmax only needs per class the smallest E_{b,i}
/// (−log of it is the class's best Gumbel value) and which instance holds it, and the soft sample only needs
/// G_{b,c} = Σ_{i in c} e^{g_{b,i}} = Σ_{i in c} 1/E_{b,i} (<see cref="GumbelDraw"/>). An <see cref="IClassNoiseSource"/>
/// supplies exactly these, so memory is O(B·C) rather than the original's O(B·N).
/// </summary>
internal sealed class GumbelBatchDrawer
{
    /// <summary>Training instances grouped by class, in dataset order within a class.</summary>
    private readonly int[] instancesByClass;
    private readonly int[] classStarts;
    private readonly int[] classSizes;

    public GumbelBatchDrawer(IReadOnlyList<int> labels, int numClasses)
    {
        NumClasses = numClasses;
        instancesByClass = Enumerable.Range(0, labels.Count).OrderBy(i => labels[i]).ToArray(); // a stable sort
        classSizes = new int[numClasses];
        foreach (int label in labels) classSizes[label]++;
        classStarts = new int[numClasses];
        for (int c = 1; c < numClasses; c++) classStarts[c] = classStarts[c - 1] + classSizes[c - 1];
    }

    public int NumInstances => instancesByClass.Length;

    public int NumClasses { get; }

    /// <param name="logSamplingWeights">log s_c, length C.</param>
    public GumbelDraw Draw(IReadOnlyList<double> logSamplingWeights, int batchSize, IClassNoiseSource noise)
    {
        var minExponential = new double[batchSize * NumClasses];
        var reciprocalSum = new double[batchSize * NumClasses];
        noise.Reduce(batchSize, classSizes, minExponential, reciprocalSum);

        // The only part that depends on w. The class with the largest log s_c − log E_min is the one with the largest
        // s_c / E_min, taken relative to the largest s so that no weight overflows or vanishes.
        double largest = logSamplingWeights.Max();
        var relativeWeights = logSamplingWeights.Select(logWeight => Math.Exp(logWeight - largest)).ToArray();
        var indices = new int[batchSize];
        var labels = new int[batchSize];
        var chosenGumbel = new double[batchSize];
        for (int b = 0; b < batchSize; b++)
        {
            var row = minExponential.AsSpan(b * NumClasses, NumClasses);
            int best = 0;
            double bestScore = -1; // every score is ≥ 0: an empty class scores 0 (its E_min is +∞)
            for (int c = 0; c < NumClasses; c++)
            {
                double score = relativeWeights[c] / row[c];
                if (score > bestScore) (best, bestScore) = (c, score);
            }
            labels[b] = best;
            indices[b] = instancesByClass[classStarts[best] + noise.MinimumPosition(b, best, classSizes[best])];
            chosenGumbel[b] = -Math.Log(row[best]);
        }
        using var logClassNoise = tensor(reciprocalSum).log_();
        return new GumbelDraw(indices, labels, chosenGumbel, logClassNoise.data<double>().ToArray(), NumClasses);
    }
}
