using Balms.Training;

namespace Balms.Tests.Fixtures;

/// <summary>
/// Interrupts a training run from its own progress reports, as a Ctrl-C at that moment would: after a given global
/// step, as a given evaluation pass starts (counting from 1), or as a given epoch ends.
/// </summary>
internal sealed class CancelWhen(CancellationTokenSource source) : ITrainingObserver
{
    private int _passes;

    public int? AfterStep { get; init; }
    public int? AtPass { get; init; }
    public int? AfterEpoch { get; init; }

    public void StageStarted(StageInfo stage) { }

    public void StepCompleted(StepProgress progress)
    {
        if (progress.GlobalStep == AfterStep) source.Cancel();
    }

    public void EpochCompleted(EpochSummary summary)
    {
        if (summary.Epoch == AfterEpoch) source.Cancel();
    }

    public void PassStarted(string description, int images)
    {
        if (++_passes == AtPass) source.Cancel();
    }

    public void PassProgress(int imagesDone) { }
    public void Message(string text) { }
}
