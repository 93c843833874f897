namespace Balms.Data.Transforms;

internal static class RandomDraws
{
    /// <summary>A real number uniform in [low, high).</summary>
    public static double NextUniform(this Random random, double low, double high) =>
        low + (high - low) * random.NextDouble();
}
