using Balms.Evaluation;

namespace Balms.Training;

public sealed record StageInfo(string Name, int Epochs, int StepsPerEpoch, long TrainableParameters,
    long TotalParameters, int TrainSamples, string Device);

public sealed record StepProgress(int Epoch, int Step, int StepsPerEpoch, long GlobalStep, long TotalSteps,
    double Loss, double LearningRate);

public sealed record EpochSummary(int Epoch, int Epochs, double TrainLoss, double TrainAccuracy, double LearningRate,
    ClassificationMetrics? Evaluation, string? EvaluationSplit, bool IsBest, double ImagesPerSecond);

/// <summary>
/// How the library reports progress. The CLI renders it as progress bars or plain lines; tests ignore it. The library
/// itself never writes to the console.
/// </summary>
public interface ITrainingObserver : IPassObserver
{
    void StageStarted(StageInfo stage);
    void StepCompleted(StepProgress progress);
    void EpochCompleted(EpochSummary summary);
    void Message(string text);
}

/// <summary>An observer that ignores everything.</summary>
public sealed class SilentObserver : ITrainingObserver
{
    public static readonly SilentObserver Instance = new();
    public void StageStarted(StageInfo stage) { }
    public void StepCompleted(StepProgress progress) { }
    public void EpochCompleted(EpochSummary summary) { }
    public void PassStarted(string description, int images) { }
    public void PassProgress(int imagesDone) { }
    public void Message(string text) { }
}
