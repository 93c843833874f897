using System.Diagnostics;
using Balms.Configuration;
using Balms.Data;

namespace Balms.Benchmarks;

/// <summary>
/// How long one thread takes to read, augment and hand over one training batch (the work the batch loader does ahead
/// of the step), on the configured dataset with its real training transform.
/// </summary>
internal static class AugmentationBenchmark
{
    public static double MillisecondsPerBatch(ExperimentOptions options, int warmup, int timed)
    {
        var data = DatasetCatalog.Load(options);
        var loader = new BatchLoader(data.Train, workers: 1, prefetch: 1, options.Seed, TorchSharp.torch.CPU);
        int batchSize = Math.Min(options.Training.BatchSize, data.Train.Count);
        var watch = new Stopwatch();
        for (int step = 0; step < warmup + timed; step++)
        {
            int[] indices = Enumerable.Range(0, batchSize).Select(row => (step * batchSize + row) % data.Train.Count).ToArray();
            if (step == warmup) watch.Start();
            using var batch = loader.Load(indices, epoch: 1, step);
        }
        return watch.Elapsed.TotalMilliseconds / timed;
    }
}
