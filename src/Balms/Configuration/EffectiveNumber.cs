namespace Balms.Configuration;

/// <summary>
/// The effective number of samples of Cui et al. (CVPR 2019): E_beta(n) = (1 - beta^n) / (1 - beta), the expected volume
/// covered by n samples when each new one overlaps the earlier ones with probability beta. E_0(n) = 1 for n &gt;= 1 and
/// E_1(n) = n (the limit).
/// </summary>
public static class EffectiveNumber
{
    /// <param name="count">Samples of the class, at least 0 (E = 0 for none).</param>
    /// <param name="beta">In [0, 1].</param>
    public static double Of(long count, double beta)
    {
        if (count == 0) return 0;
        if (beta == 1) return count;
        // 1 - beta^n as -expm1(n ln beta): beta^n is close to 1 for the usual beta = 0.9999, and the difference
        // would lose digits.
        return -double.ExpM1(count * Math.Log(beta)) / (1 - beta);
    }

    /// <summary>
    /// Class weights (1 - beta) / (1 - beta^n_c) = 1 / E_beta(n_c), scaled to sum to the number of classes, as Cui et
    /// al. normalise them.
    /// </summary>
    /// <exception cref="BalmsException">A class has no samples (its weight would be infinite).</exception>
    public static double[] ClassWeights(IReadOnlyList<long> counts, double beta)
    {
        for (int c = 0; c < counts.Count; c++)
            if (counts[c] < 1)
                throw new BalmsException($"class-balanced weights need at least one training image per class, but class {c} has {counts[c]}");
        double[] inverse = counts.Select(n => 1 / Of(n, beta)).ToArray();
        double total = inverse.Sum();
        return inverse.Select(w => w * counts.Count / total).ToArray();
    }
}
