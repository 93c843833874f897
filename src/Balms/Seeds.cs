namespace Balms;

/// <summary>
/// Derives independent, reproducible seeds from a base seed and a position (epoch, step, slot), so that any batch
/// can be re-created on any thread, in any order, and after a resume.
/// </summary>
public static class Seeds
{
    public static int Derive(int seed, params long[] path)
    {
        ulong state = (ulong)(uint)seed ^ 0x9E3779B97F4A7C15UL;
        foreach (long part in path)
            state = SplitMix(state ^ (ulong)part * 0xBF58476D1CE4E5B9UL);
        return (int)(SplitMix(state) & 0x7FFFFFFF);
    }

    public static Random Random(int seed, params long[] path) => new(Derive(seed, path));

    /// <summary>SplitMix64's output for state <paramref name="z"/>: a bijective, well-mixing hash of 64 bits.</summary>
    internal static ulong SplitMix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static void Shuffle<T>(IList<T> items, Random random)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
