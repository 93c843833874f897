using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Sampling.Meta;

/// <summary>
/// Draws B instances with replacement, P(i) ∝ s_{y_i}, by hard Gumbel-softmax: k_b = argmax_i (log s_{y_i} + g_{b,i}).
/// With E = −log U ~ Exp(1) and g = −log E, and s constant within a class, the argmax only needs per class the
/// smallest E_{b,i} (its instance, and −log of it as the class's best Gumbel value) and the soft sample only needs
/// G_{b,c} = Σ_{i in c} e^{g_{b,i}} = Σ_{i in c} 1/E_{b,i}. The noise is therefore laid out class by class (column j of
/// the conceptual [B, N] noise matrix belongs to instance <see cref="NoiseColumnInstances"/>[j]) and reduced one class
/// at a time, a bounded block of columns at a time: memory is O(B·(C + block)) rather than the original's O(B·N), and
/// only one logarithm per noise element is taken.
/// </summary>
internal sealed class GumbelBatchDrawer
{
    private readonly int[] columnInstances;
    private readonly int[] runStarts;
    private readonly int instancesPerBlock;

    public GumbelBatchDrawer(IReadOnlyList<int> labels, int numClasses, int instancesPerBlock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(instancesPerBlock, 1);
        this.instancesPerBlock = instancesPerBlock;
        NumClasses = numClasses;
        columnInstances = Enumerable.Range(0, labels.Count).OrderBy(i => labels[i]).ToArray(); // stable: keeps dataset order within a class
        runStarts = new int[numClasses + 1];
        foreach (int label in labels) runStarts[label + 1]++;
        for (int c = 0; c < numClasses; c++) runStarts[c + 1] += runStarts[c];
    }

    public int NumInstances => columnInstances.Length;

    public int NumClasses { get; }

    /// <summary>The training instance behind each column of the noise matrix: instances grouped by class.</summary>
    public IReadOnlyList<int> NoiseColumnInstances => columnInstances;

    /// <param name="logSamplingWeights">log s_c, length C.</param>
    public GumbelDraw Draw(IReadOnlyList<double> logSamplingWeights, int batchSize, IUniformNoiseSource noise)
    {
        using var scope = NewDisposeScope();
        // Per row and class: the smallest exponential, the noise column where it is, and the sum of reciprocals.
        var minExponential = full(batchSize, NumClasses, double.PositiveInfinity, float64);
        var minColumn = zeros(batchSize, NumClasses, int64);
        var reciprocalSum = zeros(batchSize, NumClasses, float64);

        for (int c = 0; c < NumClasses; c++)
        {
            var classMin = minExponential.select(1, c);
            var classColumn = minColumn.select(1, c);
            var classSum = reciprocalSum.select(1, c);
            for (int start = runStarts[c]; start < runStarts[c + 1]; start += instancesPerBlock)
            {
                using var blockScope = NewDisposeScope();
                int count = Math.Min(instancesPerBlock, runStarts[c + 1] - start);
                var exponential = noise.NextBlock(batchSize, count).log_().neg_(); // U = 0 gives E = ∞: 1/E = 0, never the minimum
                var (blockMin, blockArgmin) = exponential.min(1);
                var improved = blockMin < classMin;
                classColumn.copy_(where(improved, blockArgmin + start, classColumn));
                classMin.copy_(where(improved, blockMin, classMin));
                classSum.add_(exponential.reciprocal_().sum(dim: 1));
            }
        }

        // The only part that depends on w: the best class per row is the one with the largest log s_c + best Gumbel.
        var bestGumbel = minExponential.log().neg_();
        var (_, chosenClass) = (tensor(logSamplingWeights.ToArray(), float64).unsqueeze(0) + bestGumbel).max(1);
        var chosenColumn = minColumn.gather(1, chosenClass.unsqueeze(1)).squeeze(1);
        var chosenGumbel = bestGumbel.gather(1, chosenClass.unsqueeze(1)).squeeze(1);

        var labels = chosenClass.data<long>().Select(c => (int)c).ToArray();
        var indices = chosenColumn.data<long>().Select(column => columnInstances[column]).ToArray();
        return new GumbelDraw(indices, labels, chosenGumbel.data<double>().ToArray(),
            reciprocalSum.log().data<double>().ToArray(), NumClasses);
    }
}
