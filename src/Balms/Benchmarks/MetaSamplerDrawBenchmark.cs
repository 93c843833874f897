using System.Diagnostics;
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
        int classes = settings.DrawClasses;
        var shares = Enumerable.Range(0, classes).Select(c => Math.Pow(256, -(double)c / Math.Max(classes - 1, 1))).ToArray();
        double total = shares.Sum();
        var labels = shares.SelectMany((share, c) => Enumerable.Repeat(c, Math.Max(1, (int)(settings.DrawInstances * share / total)))).ToArray();
        using var sampler = new MetaSampler(labels, classes, new MetaSamplerSettings(settings.DrawBatchSize, InitPow: 0, LearningRate: 0.001, Seed: 1));
        using var batches = sampler.EpochBatches(epoch: 1).GetEnumerator();
        batches.MoveNext(); // warm-up
        var watch = Stopwatch.StartNew();
        for (int draw = 0; draw < settings.DrawRepetitions && batches.MoveNext(); draw++) { }
        return watch.Elapsed.TotalMilliseconds / settings.DrawRepetitions;
    }
}
