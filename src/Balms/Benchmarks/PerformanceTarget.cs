namespace Balms.Benchmarks;

/// <summary>How a goal's figure must compare with its limit.</summary>
public enum Bound
{
    AtLeast,
    /// <summary>Strictly above: "ahead of" is not met by a tie.</summary>
    Above,
    AtMost,
}

/// <summary>
/// One of the performance goals (docs/performance.md, "Are the goals met?") checked against one bench run's figures.
/// </summary>
public sealed record PerformanceTarget(string Key, string Description, double Value, double Limit, Bound Bound)
{
    public bool Met => Bound switch
    {
        Bound.AtLeast => Value >= Limit,
        Bound.Above => Value > Limit,
        _ => Value <= Limit,
    };

    /// <summary>"at least", "above" or "at most".</summary>
    public string BoundText => Bound switch
    {
        Bound.AtLeast => "at least",
        Bound.Above => "above",
        _ => "at most",
    };

    /// <summary>The goals that this run's figures can decide; those needing PyTorch are left out when it was not measured.</summary>
    public static IReadOnlyList<PerformanceTarget> Check(BenchmarkReport report)
    {
        var targets = new List<PerformanceTarget>();
        if (report.TrainLoopVsPyTorch is { } loopRatio)
            targets.Add(new("train_loop_vs_pytorch", "training loop / PyTorch's bare step (float32)", loopRatio, 1.25, Bound.AtLeast));
        if (report.EvaluationVsPyTorch is { } evaluationRatio)
            targets.Add(new("eval_vs_pytorch", "evaluation / PyTorch's evaluation", evaluationRatio, 1.0, Bound.Above));
        // Measured directly (one thread's time per batch against the step's), as the loop-versus-step difference is
        // within the run-to-run noise.
        targets.Add(new("data_pipeline_fraction", "reading + augmenting a batch / the bare step's time",
            report.AugmentationMsPerBatch / report.StepMilliseconds, 0.05, Bound.AtMost));
        targets.Add(new("live_tensor_growth", "live tensors added after the first epoch (both loops)",
            Math.Max(Growth(report.CifarLoop.LiveTensorsAfterEpoch), Growth(report.FashionMnistLoop.LiveTensorsAfterEpoch)), 0, Bound.AtMost));
        // The original's algorithm passes the meta batch through the backbone as well as the training batch: a floor of
        // twice a decoupled step's forward, hence 2.1; with cached meta features it only gathers rows.
        targets.Add(new("balms_step_time_ratio", "BALMS step / decoupled step, the original's algorithm (time)",
            report.BalmsStepTimeRatio, 2.1, Bound.AtMost));
        targets.Add(new("balms_cached_step_time_ratio", "BALMS step / decoupled step, cached meta features (opt-in; time)",
            report.BalmsCachedStepTimeRatio, 1.15, Bound.AtMost));
        targets.Add(new("meta_sampler_draw_fraction", "Meta Sampler draw / ResNet-10 training step, ImageNet-LT size (time)",
            report.MetaSamplerDrawFraction, 0.05, Bound.AtMost));
        return targets;
    }

    private static double Growth(IReadOnlyList<long> liveTensors) => liveTensors.Count == 0 ? 0 : liveTensors.Max() - liveTensors[0];
}
