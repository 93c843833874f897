namespace Balms.Benchmarks;

/// <summary>
/// One of the performance goals (docs/performance.md, "Are the goals met?") checked against one bench run's figures:
/// met when <see cref="Value"/> is at least (or, with <see cref="AtMost"/>, at most) <see cref="Limit"/>.
/// </summary>
public sealed record PerformanceTarget(string Key, string Description, double Value, double Limit, bool AtMost)
{
    public bool Met => AtMost ? Value <= Limit : Value >= Limit;

    /// <summary>The goals that this run's figures can decide; those needing PyTorch are left out when it was not measured.</summary>
    public static IReadOnlyList<PerformanceTarget> Check(BenchmarkReport report)
    {
        var targets = new List<PerformanceTarget>();
        if (report.PyTorch is { } pytorch)
        {
            targets.Add(new("train_loop_vs_pytorch", "training loop / PyTorch's bare step (float32)",
                report.CifarLoop.TrainImagesPerSecond / pytorch.TrainImagesPerSecond, 1.25, AtMost: false));
            targets.Add(new("eval_vs_pytorch", "evaluation / PyTorch's evaluation",
                report.EvaluationImagesPerSecond / pytorch.EvaluationImagesPerSecond, 1.0, AtMost: false));
        }
        // Measured directly (one thread's time per batch against the step's), as the loop-versus-step difference is
        // within the run-to-run noise.
        targets.Add(new("data_pipeline_fraction", "reading + augmenting a batch / the bare step's time",
            report.AugmentationMsPerBatch / report.StepMilliseconds, 0.05, AtMost: true));
        targets.Add(new("live_tensor_growth", "live tensors added after the first epoch (both loops)",
            Math.Max(Growth(report.CifarLoop.LiveTensorsAfterEpoch), Growth(report.FashionMnistLoop.LiveTensorsAfterEpoch)), 0, AtMost: true));
        targets.Add(new("balms_step_time_ratio", "BALMS step / decoupled step, the original's algorithm (time)",
            report.BalmsStepTimeRatio, 1.5, AtMost: true));
        targets.Add(new("balms_cached_step_time_ratio", "BALMS step / decoupled step, cached meta features (opt-in; time)",
            report.BalmsCachedStepTimeRatio, 1.5, AtMost: true));
        return targets;
    }

    private static double Growth(IReadOnlyList<long> liveTensors) => liveTensors.Count == 0 ? 0 : liveTensors.Max() - liveTensors[0];
}
