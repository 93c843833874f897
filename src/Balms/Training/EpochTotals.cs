namespace Balms.Training;

/// <summary>Running sums of the current epoch's training statistics (kept as .NET scalars, saved in checkpoints).</summary>
public sealed class EpochTotals
{
    public double LossSum { get; set; }
    public double MetaLossSum { get; set; }
    public long Correct { get; set; }
    public long Seen { get; set; }
    /// <summary>Wall-clock seconds of the epoch's steps so far, across resumes, for its images/s.</summary>
    public double TrainingSeconds { get; set; }
}
