namespace Balms.Reporting;

/// <summary>The mean of a metric over runs and its sample standard deviation (n - 1; null for a single run).</summary>
public readonly record struct MeanStd(double Mean, double? Std, int Count)
{
    /// <summary>Over the values that are present; null when none is (e.g. a shot group no run has classes in).</summary>
    public static MeanStd? Of(IEnumerable<double?> values)
    {
        double[] present = values.OfType<double>().ToArray();
        if (present.Length == 0) return null;
        double mean = present.Average();
        double? std = present.Length > 1
            ? Math.Sqrt(present.Sum(v => (v - mean) * (v - mean)) / (present.Length - 1))
            : null;
        return new MeanStd(mean, std, present.Length);
    }
}
