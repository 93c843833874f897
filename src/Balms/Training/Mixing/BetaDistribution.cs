namespace Balms.Training.Mixing;

/// <summary>
/// Draws from the Beta(alpha, alpha) distribution of mixup's lambda as X / (X + Y) with X, Y ~ Gamma(alpha), in logs so
/// that a small alpha (draws near 0 or 1) neither underflows nor divides 0 by 0.
/// </summary>
public static class BetaDistribution
{
    /// <param name="alpha">Both shape parameters, &gt; 0.</param>
    public static double Sample(Random random, double alpha)
    {
        if (!(alpha > 0)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "the Beta distribution's alpha must be > 0");
        double logX = LogGamma(random, alpha), logY = LogGamma(random, alpha);
        return 1 / (1 + Math.Exp(logY - logX));
    }

    /// <summary>
    /// log of a Gamma(shape, 1) draw: Marsaglia and Tsang's squeeze method for shape &gt;= 1; below 1 the boost
    /// Gamma(shape) = Gamma(shape + 1) * U^(1/shape).
    /// </summary>
    private static double LogGamma(Random random, double shape)
    {
        if (shape < 1) return LogGamma(random, shape + 1) + Math.Log(OpenUnit(random)) / shape;
        double d = shape - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x = StandardNormal(random);
            double v = 1 + c * x;
            if (v <= 0) continue;
            v = v * v * v;
            double u = OpenUnit(random);
            if (u < 1 - 0.0331 * x * x * x * x || Math.Log(u) < 0.5 * x * x + d * (1 - v + Math.Log(v)))
                return Math.Log(d * v);
        }
    }

    /// <summary>Box-Muller.</summary>
    private static double StandardNormal(Random random) =>
        Math.Sqrt(-2 * Math.Log(OpenUnit(random))) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>Uniform in (0, 1], so that its log is finite.</summary>
    private static double OpenUnit(Random random) => 1 - random.NextDouble();
}
