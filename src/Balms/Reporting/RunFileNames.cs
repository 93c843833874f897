namespace Balms.Reporting;

/// <summary>
/// The names of the files in a run directory. Training writes them and eval, report, predict and a decoupled
/// stage 2 read them back, so each name is spelled once, here.
/// </summary>
public static class RunFileNames
{
    /// <summary>The resolved config; --resume compares it with the config it is given.</summary>
    public const string Config = "config.yaml";
    public const string Log = "log.txt";
    public const string Epochs = "epochs.csv";
    public const string Metrics = "metrics.json";
    public const string TrainIndices = "train_indices.json";
    public const string ClassCounts = "class_counts.json";
    /// <summary>The Meta Sampler's class distribution, one row per epoch (BALMS runs only).</summary>
    public const string SamplingDistribution = "sampling_distribution.csv";
    public const string SamplingDistributionFigure = "sampling_distribution.png";
    public const string TensorBoardDirectory = "tensorboard";
    public const string CheckpointDirectory = "checkpoints";
    /// <summary>In <see cref="CheckpointDirectory"/>.</summary>
    public const string BestCheckpoint = "best.safetensors";
    /// <summary>In <see cref="CheckpointDirectory"/>.</summary>
    public const string LatestCheckpoint = "latest.safetensors";
    /// <summary>The best checkpoint relative to the run directory, as messages name it.</summary>
    public const string BestCheckpointPath = $"{CheckpointDirectory}/{BestCheckpoint}";
    public const string LatestCheckpointPath = $"{CheckpointDirectory}/{LatestCheckpoint}";

    /// <summary>Every file and folder a training run writes, relative to the run directory.</summary>
    public static IReadOnlyList<string> WrittenByARun { get; } =
    [
        Config, Log, Epochs, Metrics, TrainIndices, ClassCounts, SamplingDistribution, SamplingDistributionFigure,
        BestCheckpointPath, LatestCheckpointPath, TensorBoardDirectory,
    ];

    /// <summary>Where a new run keeps an earlier run's files until it finishes (hidden, inside the run directory).</summary>
    public const string EarlierRun = ".earlier_run";
}
