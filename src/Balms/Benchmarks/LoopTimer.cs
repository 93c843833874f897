using System.Diagnostics;
using Balms.Training;

namespace Balms.Benchmarks;

/// <summary>
/// Times a Trainer run from its progress reports: training images per second over the steps after the warm-up
/// (including each epoch's loader start, excluding the epoch-end evaluation and checkpoints), evaluation images per
/// second (every evaluation but the first, which pays the one-off set-up of the evaluation shapes), and after every
/// epoch the resident memory and the number of live tensors (which stays flat unless tensors leak).
/// </summary>
internal sealed class LoopTimer(int batchSize, int warmupSteps) : ITrainingObserver
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _steps;
    private TimeSpan? _timingStart;
    private TimeSpan _lastStep;
    private TimeSpan _epochEndWork, _pendingEpochEnd;
    private TimeSpan _evaluationStart, _evaluationTime;
    private int _evaluationSamples, _evaluations, _evaluatedSamples;

    public List<double> ResidentMbAfterEpoch { get; } = [];
    public List<long> LiveTensorsAfterEpoch { get; } = [];

    public double TrainImagesPerSecond
    {
        get
        {
            long timedSteps = _steps - warmupSteps;
            if (_timingStart is null || timedSteps < 1) throw new InvalidOperationException($"the run made {_steps} steps, no more than the {warmupSteps} warm-up steps");
            return timedSteps * batchSize / (_lastStep - _timingStart.Value - _epochEndWork).TotalSeconds;
        }
    }

    /// <summary>Null when the run did not evaluate.</summary>
    public double? EvaluationImagesPerSecond => _evaluatedSamples > 0 ? _evaluatedSamples / _evaluationTime.TotalSeconds : null;

    public void StepCompleted(StepProgress progress)
    {
        _steps++;
        _lastStep = _clock.Elapsed;
        _epochEndWork += _pendingEpochEnd;
        _pendingEpochEnd = TimeSpan.Zero;
        if (_steps == warmupSteps) _timingStart = _lastStep;
    }

    public void EpochCompleted(EpochSummary summary)
    {
        // Evaluation, CSV row and checkpoints are not training throughput (the next epoch's loader start is): taken out
        // of the timed span once a later step makes them part of it.
        if (_timingStart is not null) _pendingEpochEnd = _clock.Elapsed - _lastStep;
        // Tensors that were dropped without Dispose are released by their finalizers: run them first, so that the count
        // is what is still reachable.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        ResidentMbAfterEpoch.Add(ProcessMemory.ResidentMb());
        LiveTensorsAfterEpoch.Add(TorchSharp.torch.Tensor.TotalCount);
    }

    // Every pass over a whole set is timed as an evaluation: the bench reads this figure only from runs that make
    // no other kind of pass.
    public void PassStarted(string description, int images)
    {
        _evaluationStart = _clock.Elapsed;
        _evaluationSamples = images;
    }

    public void PassProgress(int imagesDone)
    {
        if (imagesDone < _evaluationSamples || ++_evaluations == 1) return;
        _evaluationTime += _clock.Elapsed - _evaluationStart;
        _evaluatedSamples += imagesDone;
    }

    public void StageStarted(StageInfo stage) { }
    public void Message(string text) { }
}
