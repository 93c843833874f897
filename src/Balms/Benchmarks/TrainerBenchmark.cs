using Balms.Data;
using Balms.Training;
using TorchSharp;

namespace Balms.Benchmarks;

/// <summary>What one timed Trainer run measured.</summary>
public sealed record LoopMeasurement(double TrainImagesPerSecond, double? EvaluationImagesPerSecond,
    IReadOnlyList<double> ResidentMbAfterEpoch, IReadOnlyList<long> LiveTensorsAfterEpoch, double PeakResidentMb);

/// <summary>Runs a real training stage (catalog, batch loader, augmentation, Trainer) on the CPU and times it.</summary>
internal static class TrainerBenchmark
{
    public static LoopMeasurement Run(Configuration.ExperimentOptions options, int warmupSteps, CancellationToken cancellation)
    {
        ProcessMemory.ResetPeak();
        var data = DatasetCatalog.Load(options);
        var timer = new LoopTimer(options.Training.BatchSize, warmupSteps);
        var result = new Trainer(options, data, options.Output.Dir, timer, torch.CPU).Run(cancellation);
        cancellation.ThrowIfCancellationRequested();
        if (result.Interrupted) throw new OperationCanceledException("the benchmark run was interrupted");
        return new LoopMeasurement(timer.TrainImagesPerSecond, timer.EvaluationImagesPerSecond, timer.ResidentMbAfterEpoch,
            timer.LiveTensorsAfterEpoch, ProcessMemory.PeakResidentMb());
    }
}
