namespace Balms.Reporting;

/// <summary>What a finished run directory records: its test metrics, training curve and, for BALMS, the learned sampler.</summary>
/// <param name="Directory">The run directory (full path).</param>
/// <param name="Experiment">The experiment name from config.yaml (runs of one experiment, e.g. seeds, share it).</param>
/// <param name="ClassCounts">Training images per class, or null when the directory does not record them (an eval output).</param>
/// <param name="Epochs">The rows of epochs.csv (empty when there is none).</param>
/// <param name="SamplingDistribution">The Meta Sampler's class probabilities after the last epoch; null for non-BALMS runs.</param>
/// <param name="Settings">The lines of config.yaml that define the experiment (all but the seed, the device, where data
/// and outputs live, and the loader's threads); null without a config.yaml.</param>
public sealed record RunResults(
    string Directory,
    string Experiment,
    RunMetrics Metrics,
    IReadOnlyList<long>? ClassCounts,
    IReadOnlyList<EpochRecord> Epochs,
    IReadOnlyList<double>? SamplingDistribution,
    IReadOnlyList<string>? Settings = null)
{
    public int ClassCount => Metrics.PerClass.Count;
}

/// <summary>The top-level test metrics of metrics.json (fractions; a shot group without classes is null).</summary>
public sealed record RunMetrics(
    double Top1,
    double? Many,
    double? Medium,
    double? Few,
    double MacroF1,
    double Ece,
    double Nll,
    IReadOnlyList<double?> PerClass,
    IReadOnlyList<string> ClassNames,
    IReadOnlyList<IReadOnlyList<long>> Confusion);

/// <summary>One row of epochs.csv; <see cref="EvalTop1"/> is null for epochs without an evaluation.</summary>
public sealed record EpochRecord(int Epoch, double TrainLoss, double TrainAccuracy, double? EvalTop1);
