using System.Diagnostics;
using Balms.Data.LongTail;
using Balms.Sampling.Meta;

namespace Balms.Benchmarks;

/// <summary>
/// Time of one Meta Sampler batch draw at ImageNet-LT's size (B × N Gumbel noise: the part of a BALMS step that grows
/// with the dataset). The N instances are spread over the C classes with an exponential long-tailed profile whose
/// largest class is 256 times the smallest, like ImageNet-LT's 1,280 to 5.
/// </summary>
internal static class MetaSamplerDrawBenchmark
{
    public static double MillisecondsPerDraw(BenchmarkSettings settings)
    {
        using var sampler = new MetaSampler(Labels(settings), settings.DrawClasses, new MetaSamplerSettings(settings.DrawBatchSize, InitPow: 0, LearningRate: 0.001, Seed: 1));
        using var batches = sampler.EpochBatches(epoch: 1).GetEnumerator();
        batches.MoveNext(); // warm-up
        var watch = Stopwatch.StartNew();
        int draws = 0;
        while (draws < settings.DrawRepetitions && batches.MoveNext()) draws++;
        return watch.Elapsed.TotalMilliseconds / Math.Max(draws, 1);
    }

    /// <summary>The labels of about settings.DrawInstances instances: the profile's shape at a large head size, scaled down.</summary>
    public static int[] Labels(BenchmarkSettings settings)
    {
        int[] profile = LongTailProfile.Exponential(1 << 20, settings.DrawClasses, imbalanceFactor: 256);
        double total = profile.Sum(n => (double)n);
        return profile.SelectMany((n, c) => Enumerable.Repeat(c, Math.Max(1, (int)(settings.DrawInstances * (n / total))))).ToArray();
    }
}
