using System.Diagnostics;
using Balms.Training;
using Spectre.Console;

namespace Balms.Cli;

/// <summary>
/// Renders training progress: a live bar with ETA and images/s on a terminal, or a plain line every few seconds
/// when the output is a pipe or a file.
/// </summary>
public sealed class ConsoleObserver(ProgressContext? live, int batchSize) : ITrainingObserver
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(10);
    private ProgressTask? _trainTask;
    private ProgressTask? _passTask;
    private readonly Stopwatch _sinceStart = new();
    private readonly Stopwatch _sincePrint = new();
    private long _stepsAtStart;
    private int _passTotal;

    public void StageStarted(StageInfo stage)
    {
        Message($"[{stage.Name}] {stage.TotalParameters:N0} parameters ({stage.TrainableParameters:N0} trainable), {stage.TrainSamples:N0} training images, {stage.Epochs} epochs x {stage.StepsPerEpoch} steps on {stage.Device}");
        _trainTask = live?.AddTask($"train {Markup.Escape(stage.Name)}", maxValue: (double)stage.Epochs * stage.StepsPerEpoch);
        _sinceStart.Restart();
        _sincePrint.Restart();
        _stepsAtStart = 0;
    }

    public void StepCompleted(StepProgress progress)
    {
        double imagesPerSecond = (progress.GlobalStep - _stepsAtStart) * batchSize / Math.Max(_sinceStart.Elapsed.TotalSeconds, 1e-9);
        if (_trainTask is not null)
        {
            _trainTask.Value = progress.GlobalStep;
            _trainTask.Description = $"epoch {progress.Epoch} loss {progress.Loss:F3} {imagesPerSecond:F0} img/s";
            return;
        }
        if (_sincePrint.Elapsed < PlainInterval && progress.GlobalStep != progress.TotalSteps) return;
        _sincePrint.Restart();
        double fraction = (double)progress.GlobalStep / progress.TotalSteps;
        var remaining = TimeSpan.FromSeconds(_sinceStart.Elapsed.TotalSeconds / Math.Max(fraction, 1e-9) * (1 - fraction));
        Console.WriteLine($"  epoch {progress.Epoch} step {progress.Step}/{progress.StepsPerEpoch} ({fraction:P0}) loss {progress.Loss:F4} lr {progress.LearningRate:G3} {imagesPerSecond:F0} img/s ETA {remaining:hh\\:mm\\:ss}");
    }

    public void EpochCompleted(EpochSummary summary) { }

    public void PassStarted(string description, int images)
    {
        _passTotal = images;
        if (live is not null) _passTask = live.AddTask(Markup.Escape(description), maxValue: images);
        else Console.WriteLine($"  {description} ({images:N0} images)...");
    }

    public void PassProgress(int imagesDone)
    {
        if (_passTask is null) return;
        _passTask.Value = imagesDone;
        if (imagesDone >= _passTotal) _passTask.StopTask();
    }

    public void Message(string text)
    {
        if (live is not null) AnsiConsole.MarkupLine(Markup.Escape(text));
        else Console.WriteLine(text);
    }

    /// <summary>Runs <paramref name="work"/> with live bars on a terminal, plainly otherwise.</summary>
    public static T Render<T>(int batchSize, Func<ConsoleObserver, T> work)
    {
        if (!CliApp.Interactive) return work(new ConsoleObserver(null, batchSize));
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context => result = work(new ConsoleObserver(context, batchSize)));
        return result;
    }
}
