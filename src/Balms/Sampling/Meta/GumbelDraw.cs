using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Sampling.Meta;

/// <summary>
/// One batch drawn by hard Gumbel-softmax over all N training instances with logits l_i = log s_{y_i}, stored
/// compactly. Row b keeps the chosen instance k_b, its class, its Gumbel value g_{b,k_b}, and per class
/// log G_{b,c} = log Σ_{i in class c} exp(g_{b,i}). Because l_i is shared within a class,
/// y_soft[b,k_b] = s_{y_{k_b}} e^{g_{b,k_b}} / Σ_c s_c G_{b,c}, so these B×(C+2) numbers give the same value and
/// gradient with respect to w as the original's B×N soft sample, with the noise held fixed.
/// </summary>
public sealed class GumbelDraw
{
    private readonly int[] indices;
    private readonly int[] labels;
    private readonly double[] chosenGumbel;
    private readonly double[] logClassNoise;

    internal GumbelDraw(int[] indices, int[] labels, double[] chosenGumbel, double[] logClassNoise, int numClasses)
    {
        this.indices = indices;
        this.labels = labels;
        this.chosenGumbel = chosenGumbel;
        this.logClassNoise = logClassNoise;
        NumClasses = numClasses;
    }

    public int BatchSize => indices.Length;

    public int NumClasses { get; }

    /// <summary>Chosen training instances k_b (with replacement).</summary>
    public IReadOnlyList<int> Indices => indices;

    /// <summary>Class y_{k_b} of each chosen instance.</summary>
    public IReadOnlyList<int> Labels => labels;

    /// <summary>Gumbel noise g_{b,k_b} at each chosen instance.</summary>
    public IReadOnlyList<double> ChosenGumbel => chosenGumbel;

    /// <summary>log G_{b,c}, row-major [B, C].</summary>
    public IReadOnlyList<double> LogClassNoise => logClassNoise;

    /// <summary>
    /// y_soft[b, k_b] for all rows, shape [B], as a differentiable function of <paramref name="logSamplingWeights"/>
    /// (log s, shape [C]) with the noise held fixed.
    /// </summary>
    public Tensor SelectedSoftProbabilities(Tensor logSamplingWeights)
    {
        var (dtype, device) = (logSamplingWeights.dtype, logSamplingWeights.device);
        using var labelTensor = tensor(labels.Select(c => (long)c).ToArray(), int64, device);
        using var gumbel = tensor(chosenGumbel, dtype, device);
        using var flatNoise = tensor(logClassNoise, dtype, device);
        using var classNoise = flatNoise.reshape(BatchSize, NumClasses);
        using var chosenLogWeight = logSamplingWeights.index_select(0, labelTensor);
        using var numerator = chosenLogWeight + gumbel;
        using var perClass = logSamplingWeights.unsqueeze(0) + classNoise;
        using var logNormaliser = perClass.logsumexp(1);
        using var logProbability = numerator - logNormaliser;
        return logProbability.exp();
    }

    /// <summary>
    /// The straight-through hard sample at the chosen entries, Y[b, k_b] = 1 + y_soft[b,k_b] − stopgrad(y_soft[b,k_b]):
    /// exactly 1 in value, with the gradient of y_soft[b, k_b]. Weighting per-sample losses by Y reproduces the
    /// original's <c>forward_loss</c> (mean_b l_b·stopgrad(Y)·Y).
    /// </summary>
    public Tensor StraightThroughWeights(Tensor logSamplingWeights)
    {
        using var soft = SelectedSoftProbabilities(logSamplingWeights);
        using var frozen = soft.detach();
        using var zeroWithGradient = soft - frozen;
        return zeroWithGradient + 1.0;
    }
}
