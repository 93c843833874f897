using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Sampling.Meta;

/// <summary>
/// Uniform noise for the Gumbel draw, handed out as consecutive column blocks of a conceptual [B, N] matrix so that
/// the drawer never holds all of it. Tests substitute a fixed matrix to hold the noise constant.
/// </summary>
internal interface IUniformNoiseSource
{
    /// <summary>The next <paramref name="columns"/> columns: float64 values in [0, 1), shape [rows, columns].</summary>
    Tensor NextBlock(int rows, int columns);
}

/// <summary>Uniform noise from a seeded torch generator, so draws are reproducible.</summary>
internal sealed class TorchUniformNoise(ulong seed) : IUniformNoiseSource, IDisposable
{
    private readonly Generator generator = new(seed, CPU);

    public Tensor NextBlock(int rows, int columns) => rand(rows, columns, float64, generator: generator);

    public void Dispose() => generator.Dispose();
}
