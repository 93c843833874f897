namespace Balms.Data.LongTail;

/// <summary>Images per class of a long-tailed training set (Cui et al. 2019; Cao et al. 2019; used by BALMS).</summary>
public static class LongTailProfile
{
    /// <summary>
    /// Exponential profile: n_c = (int)(imgMax * (1/IF)^(c/(C-1))) for c = 0..C-1, so class 0 keeps imgMax images and
    /// the last class imgMax/IF (truncated toward zero, in double precision, exactly as the original code).
    /// </summary>
    public static int[] Exponential(int imagesPerClassMax, int classCount, double imbalanceFactor)
    {
        if (!(imbalanceFactor >= 1) || double.IsInfinity(imbalanceFactor))
            throw new BalmsException($"imbalance factor {imbalanceFactor} is invalid: expected a finite number >= 1");
        if (classCount < 2)
            throw new BalmsException($"a long-tailed profile needs at least 2 classes, got {classCount}");
        if (imagesPerClassMax < 1)
            throw new BalmsException($"images per class {imagesPerClassMax} is invalid: expected at least 1");

        return Enumerable.Range(0, classCount)
            .Select(c => (int)(imagesPerClassMax * Math.Pow(1.0 / imbalanceFactor, c / (double)(classCount - 1))))
            .ToArray();
    }
}
