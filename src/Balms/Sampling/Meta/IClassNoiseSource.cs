namespace Balms.Sampling.Meta;

/// <summary>
/// The Gumbel noise of one batch draw, reduced per batch row and class to what the draw needs (see
/// <see cref="GumbelBatchDrawer"/>): with E_{b,i} ~ Exp(1) and g_{b,i} = −log E_{b,i}, the smallest E among the class's
/// instances, which instance holds it, and Σ_{i in c} 1/E_{b,i}. Tests substitute a fixed noise matrix.
/// </summary>
internal interface IClassNoiseSource
{
    /// <param name="classSizes">n_c, the instances of each class.</param>
    /// <param name="minExponential">Filled [rows, C], row-major: the smallest E_{b,i} of class c (+∞ for an empty class).</param>
    /// <param name="reciprocalSum">Filled [rows, C]: Σ_{i in c} 1/E_{b,i} (0 for an empty class).</param>
    void Reduce(int rows, IReadOnlyList<int> classSizes, double[] minExponential, double[] reciprocalSum);

    /// <summary>Which of class c's instances (0 to n_c − 1, in dataset order) holds row b's smallest E of the class.</summary>
    int MinimumPosition(int row, int @class, int classSize);
}
