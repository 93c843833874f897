using Balms.Sampling.Meta;

namespace Balms.Tests.Sampling.Meta;

/// <summary>
/// A fixed [B, N] matrix of exponentials E (column i = instance i, Gumbel noise g = −log E) as the draw's noise,
/// reduced per class by plain loops, independently of the library: holds the noise of every instance constant.
/// </summary>
internal sealed class FixedNoise(double[,] exponential, IReadOnlyList<int> labels) : IClassNoiseSource
{
    /// <summary>The original's noise from uniform numbers: E = −log U.</summary>
    public static FixedNoise FromUniform(double[,] uniform, IReadOnlyList<int> labels) =>
        new(Map(uniform, u => -Math.Log(u)), labels);

    public void Reduce(int rows, IReadOnlyList<int> classSizes, double[] minExponential, double[] reciprocalSum)
    {
        Assert.Equal(exponential.GetLength(0), rows);
        Assert.Equal(Enumerable.Range(0, classSizes.Count).Select(c => labels.Count(label => label == c)), classSizes);
        int classes = classSizes.Count;
        Array.Fill(minExponential, double.PositiveInfinity);
        Array.Clear(reciprocalSum);
        for (int b = 0; b < rows; b++)
            for (int i = 0; i < labels.Count; i++)
            {
                int cell = b * classes + labels[i];
                minExponential[cell] = Math.Min(minExponential[cell], exponential[b, i]);
                reciprocalSum[cell] += 1 / exponential[b, i];
            }
    }

    public int MinimumPosition(int row, int @class, int classSize)
    {
        var members = Enumerable.Range(0, labels.Count).Where(i => labels[i] == @class).ToList();
        Assert.Equal(members.Count, classSize);
        return members.IndexOf(members.MinBy(i => exponential[row, i]));
    }

    public static double[,] RandomUniform(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var uniform = new double[rows, columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                uniform[r, c] = random.NextDouble();
        return uniform;
    }

    /// <summary>g = −log(−log U), computed independently of the drawer.</summary>
    public static double[,] Gumbel(double[,] uniform) => Map(uniform, u => -Math.Log(-Math.Log(u)));

    private static double[,] Map(double[,] matrix, Func<double, double> function)
    {
        var result = new double[matrix.GetLength(0), matrix.GetLength(1)];
        for (int r = 0; r < matrix.GetLength(0); r++)
            for (int c = 0; c < matrix.GetLength(1); c++)
                result[r, c] = function(matrix[r, c]);
        return result;
    }
}
