using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Sampling.Meta;

/// <summary>
/// Draws B instances with replacement, P(i) ∝ s_{y_i}, by hard Gumbel-softmax: k_b = argmax_i (log s_{y_i} + g_{b,i}).
/// The Gumbel noise is generated a block of instances at a time and folded into a running argmax and per-class sums
/// G_{b,c} = Σ_{i in c} e^{g_{b,i}}, so memory is O(B·(C + block)) rather than the original's O(B·N).
/// </summary>
internal sealed class GumbelBatchDrawer : IDisposable
{
    private readonly Tensor instanceLabels;
    private readonly int numClasses;
    private readonly int instancesPerBlock;

    public GumbelBatchDrawer(IReadOnlyList<int> labels, int numClasses, int instancesPerBlock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(instancesPerBlock, 1);
        instanceLabels = tensor(labels.Select(c => (long)c).ToArray(), int64);
        this.numClasses = numClasses;
        this.instancesPerBlock = instancesPerBlock;
    }

    public int NumInstances => (int)instanceLabels.shape[0];

    /// <param name="logSamplingWeights">log s_c, length C.</param>
    public GumbelDraw Draw(IReadOnlyList<double> logSamplingWeights, int batchSize, IUniformNoiseSource noise)
    {
        using var scope = NewDisposeScope();
        var logWeights = tensor(logSamplingWeights.ToArray(), float64);
        var instanceLogits = logWeights.index_select(0, instanceLabels);
        var bestScore = full(batchSize, double.NegativeInfinity, float64);
        var bestIndex = zeros(batchSize, int64);
        var bestGumbel = zeros(batchSize, float64);
        var classNoiseSum = zeros(batchSize, numClasses, float64);

        for (int start = 0; start < NumInstances; start += instancesPerBlock)
        {
            using var blockScope = NewDisposeScope();
            int count = Math.Min(instancesPerBlock, NumInstances - start);
            var uniform = noise.NextBlock(batchSize, count);
            // With E = −log U ~ Exp(1), g = −log E is standard Gumbel and e^g = 1/E needs no exponential (U = 0 gives e^g = 0).
            var exponential = uniform.log().neg_();
            var gumbel = exponential.log().neg_();
            var (blockBest, blockArgmax) = (gumbel + instanceLogits.narrow(0, start, count)).max(1);
            var improved = blockBest > bestScore;
            bestScore.copy_(where(improved, blockBest, bestScore));
            bestIndex.copy_(where(improved, blockArgmax + start, bestIndex));
            bestGumbel.copy_(where(improved, gumbel.gather(1, blockArgmax.unsqueeze(1)).squeeze(1), bestGumbel));
            var blockLabels = instanceLabels.narrow(0, start, count).unsqueeze(0).expand(batchSize, count);
            classNoiseSum.scatter_add_(1, blockLabels, exponential.reciprocal());
        }

        var indices = bestIndex.data<long>().Select(i => (int)i).ToArray();
        var labels = instanceLabels.index_select(0, bestIndex).data<long>().Select(c => (int)c).ToArray();
        return new GumbelDraw(indices, labels, bestGumbel.data<double>().ToArray(),
            classNoiseSum.log().data<double>().ToArray(), numClasses);
    }

    public void Dispose() => instanceLabels.Dispose();
}
