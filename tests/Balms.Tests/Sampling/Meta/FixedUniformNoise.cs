using Balms.Sampling.Meta;
using static TorchSharp.torch;

namespace Balms.Tests.Sampling.Meta;

/// <summary>
/// Hands out a fixed [B, N] uniform matrix, given in instance order (column i = instance i), block by block in the
/// drawer's noise-column order, holding the Gumbel noise of every instance constant.
/// </summary>
internal sealed class FixedUniformNoise(double[,] uniform, IReadOnlyList<int> columnInstances) : IUniformNoiseSource
{
    private int nextColumn;

    public Tensor NextBlock(int rows, int columns)
    {
        Assert.Equal(uniform.GetLength(0), rows);
        var block = new double[rows * columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                block[r * columns + c] = uniform[r, columnInstances[nextColumn + c]];
        nextColumn += columns;
        return tensor(block, float64).reshape(rows, columns);
    }

    public static double[,] Random(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var uniform = new double[rows, columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                uniform[r, c] = random.NextDouble();
        return uniform;
    }

    /// <summary>g = −log(−log U), computed independently of the drawer.</summary>
    public static double[,] Gumbel(double[,] uniform)
    {
        var gumbel = new double[uniform.GetLength(0), uniform.GetLength(1)];
        for (int r = 0; r < uniform.GetLength(0); r++)
            for (int c = 0; c < uniform.GetLength(1); c++)
                gumbel[r, c] = -Math.Log(-Math.Log(uniform[r, c]));
        return gumbel;
    }
}
