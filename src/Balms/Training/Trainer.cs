using System.Diagnostics;
using Balms.Configuration;
using Balms.Data;
using Balms.Evaluation;
using Balms.Losses;
using Balms.Models;
using Balms.Reporting;
using Balms.Sampling;
using Balms.Training.Checkpoints;
using Balms.Training.Mixing;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Balms.Training;

/// <summary>What a finished (or interrupted) stage leaves behind; an interrupted stage has no final metrics.</summary>
public sealed record RunResult(ClassificationMetrics? Final, ClassificationMetrics? Best, int? BestEpoch,
    string SelectionSplit, string RunDirectory, bool Interrupted);

/// <summary>
/// Runs one training stage (end-to-end or decoupled) from validated options and prepared data, writing the run
/// directory as it goes: resolved config, log, per-epoch CSV, checkpoints (latest, best), TensorBoard events and
/// metrics.json.
/// </summary>
public sealed class Trainer
{
    private readonly ExperimentOptions _options;
    private readonly ExperimentData _data;
    private readonly string _runPath;
    private readonly ITrainingObserver _observer;
    private readonly Device _device;
    private readonly CpuInfo _cpu;
    private readonly List<string> _setupLog = [];
    private RunDirectory? _runDirectory;

    /// <param name="runPath">The run directory; it is created only once the whole set-up has succeeded.</param>
    /// <param name="cpu">The CPU that model.precision is checked against (default: this machine's).</param>
    public Trainer(ExperimentOptions options, ExperimentData data, string runPath, ITrainingObserver observer, Device device, CpuInfo? cpu = null)
    {
        _options = options;
        _data = data;
        _runPath = runPath;
        _observer = observer;
        _device = device;
        _cpu = cpu ?? CpuInfo.Current;
    }

    private RunDirectory Output => _runDirectory ?? throw new InvalidOperationException("the run directory is created after set-up");

    private TrainingOptions Training => _options.Training;

    /// <summary>Where a stage stands: written into every checkpoint so that a resumed run continues exactly.</summary>
    private sealed class Position
    {
        public int CompletedEpochs;
        public int StepInEpoch;
        public long GlobalStep;
        public EpochTotals Totals = new();
        public int? BestEpoch;
        public double? BestTop1;
    }

    /// <param name="resume">Continue from checkpoints/latest.safetensors of the run directory.</param>
    public RunResult Run(CancellationToken cancellation, bool resume = false)
    {
        try
        {
            var result = Train(cancellation, resume);
            if (!result.Interrupted) _runDirectory?.DiscardEarlierRun();
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException && !resume && _runDirectory is { } run
                                  && run.ResumeCheckpoint is null)
        {
            // A new run that stops with an error before its first checkpoint (a corrupt image, a bad stage-1 file)
            // must not cost the earlier run in its directory: that run's files come back. A run that has a checkpoint
            // stays resumable instead, and the earlier run waits in .earlier_run.
            try
            {
                run.RestoreEarlierRun();
            }
            catch (Exception restoreError) when (restoreError is IOException or UnauthorizedAccessException)
            {
                // The error that stopped the run is the one to report; the earlier run is still in .earlier_run.
            }
            if (e is WriteException) throw new WriteException($"{e.Message}; {OnceWritable}, start the run again: it had no checkpoint yet", e);
            throw;
        }
        catch (WriteException e) when (_runDirectory?.ResumeCheckpoint is not null)
        {
            throw new WriteException($"{e.Message}; {OnceWritable}, continue the run with --resume from its last checkpoint", e);
        }
    }

    private const string OnceWritable = "once the run directory can be written again (on a full disk: free some space)";

    private RunResult Train(CancellationToken cancellation, bool resume)
    {
        ComputePrecision.EnsureNative(_options.Model, _device, _cpu);
        torch.manual_seed(_options.Seed);
        long[] classCounts = _data.Train.ClassCounts();
        using var model = CreateModel();
        bool decoupled = Training.Stage == TrainingStage.Decoupled;
        if (decoupled) LoadStageOne(model);
        else if (_options.Model.Pretrained is { } pretrained)
            Log($"backbone initialised from {pretrained} ({ModelWeights.LoadInto(model, pretrained, includeClassifier: false).Summary})");
        model.to(_device);
        // From the classifier the stage starts with, before a resume loads a later one.
        var maxNorm = Training.MaxNorm is { } maxNormOptions ? MaxNormConstraint.For(model.Head, maxNormOptions) : null;
        if (maxNorm is not null) Log($"MaxNorm: every class's classifier weights are kept within norm {maxNorm.Radius:G4}");
        var mixing = Training.Mix is { } mix ? BatchMixing.Create(mix, _options.Seed) : null;

        var sampler = CreateSampler(classCounts, out int loaderLength);
        int warmupIterations = Training.Schedule is WarmupCosineScheduleOptions warm ? warm.WarmupIterations : 0;
        int stepsPerEpoch = Math.Min(sampler.BatchesPerEpoch, Training.MaxStepsPerEpoch ?? int.MaxValue);
        var length = TrainingLength.Resolve(Training.NumIterations, Training.NumEpochs, loaderLength, stepsPerEpoch, warmupIterations);
        var schedule = new LearningRateSchedule(Training.Schedule, length.Epochs, length.WarmupEpochs);
        using var loss = LongTailLoss.Create(Training.Loss, new LossContext(classCounts, length.Epochs, _options.Model.Head));
        using var optimizer = CreateOptimizer(model, decoupled);
        using var metaUpdate = Training.Sampler is MetaSamplerOptions meta
            ? new MetaSamplerUpdate(meta, _data, _options, _device)
            : null;

        var position = resume ? Resume(model, optimizer, metaUpdate, length) : new Position();
        // After Resume, so that the features come from the backbone the run continues with; before a new run's
        // directory exists, so that an interruption here leaves nothing behind.
        if (metaUpdate is not null && !metaUpdate.PrepareMetaSet(model, _observer, Log, cancellation))
        {
            Log("interrupted while computing the BALMS meta set's features; nothing was trained");
            return Interrupted(position, _runPath);
        }
        if (!resume)
        {
            _runDirectory = RunDirectory.Fresh(_runPath, out bool replacedEarlierRun);
            if (replacedEarlierRun) Log($"{_runPath} held an earlier run; its files are set aside in {RunFileNames.EarlierRun} until this run finishes, and put back if it fails before its first checkpoint (use --resume to continue a run)");
            WriteRunHeader(classCounts);
            Output.StartEpochsCsv();
        }
        long trainable = model.TrainableParameterCount();
        long total = model.parameters().Sum(p => p.numel());
        _observer.StageStarted(new StageInfo(_options.Name, length.Epochs, length.StepsPerEpoch, trainable, total,
            _data.Train.Count, _device.ToString()));
        string precision = model.Backbone.ComputeType == ScalarType.BFloat16 ? " (bfloat16 mixed precision)" : "";
        Log($"{_options.Model.Backbone}{precision}: {total:N0} parameters, {trainable:N0} trainable; {length.Epochs} epochs x {length.StepsPerEpoch} steps (batch {Training.BatchSize}); selection split: {_data.SelectionSplit}");
        if (Enumerable.Range(1, length.Epochs).All(epoch => schedule.LearningRate(epoch, Training.Optimizer.Lr) == 0))
            Log($"warning: the learning rate is 0 in every epoch, so no weight will change: as in the original, epoch e trains at the schedule's rate after e of {length.Epochs} epochs, which for the cosine schedule is end_lr in the last. Train for more epochs, or raise training.schedule.end_lr");
        if (_data.Validation is null)
            Log($"{_data.DatasetName} has no validation split: as in the original, the best epoch is selected on the TEST split. The final-epoch numbers are the unbiased ones.");

        var trainLoader = new BatchLoader(_data.Train, _options.Data.Workers, _options.Data.Prefetch, _options.Seed, _device);
        var selectionLoader = new BatchLoader(_data.SelectionSet, _options.Data.Workers, _options.Data.Prefetch, _options.Seed, _device);
        var tensorboard = torch.utils.tensorboard.SummaryWriter(Output.TensorBoardDirectory, createRunName: false);
        var checkpointState = () => metaUpdate?.State();

        ClassificationMetrics? latest = null, best = null;
        for (int epoch = position.CompletedEpochs + 1; epoch <= length.Epochs; epoch++)
        {
            double lr = schedule.LearningRate(epoch, Training.Optimizer.Lr);
            SetTrainMode(model, decoupled);
            loss.OnEpochStart(epoch);
            var watch = Stopwatch.StartNew();
            double secondsBefore = position.Totals.TrainingSeconds;
            void RecordTrainingTime() => position.Totals.TrainingSeconds = secondsBefore + watch.Elapsed.TotalSeconds;
            // A checkpoint from before the epoch's time was recorded has none: its images do not count in images/s.
            long untimedImages = secondsBefore == 0 ? position.Totals.Seen : 0;
            void SaveLatest()
            {
                RecordTrainingTime();
                Checkpoint.Save(Output.LatestCheckpoint, CheckpointInfoFor(classCounts, position), model, optimizer, checkpointState());
            }
            RunResult SaveAndStop(string where)
            {
                SaveLatest();
                Log($"interrupted {where}, at epoch {epoch}, step {position.StepInEpoch}: the latest checkpoint is {Output.LatestCheckpoint}; continue with --resume");
                return Interrupted(position, Output.Path);
            }
            int firstStep = position.StepInEpoch;
            var batches = metaUpdate is null
                ? trainLoader.Stream(sampler.EpochBatches(epoch).Skip(firstStep).Take(length.StepsPerEpoch - firstStep), epoch, firstStep, cancellation)
                : metaUpdate.Batches(trainLoader, epoch, firstStep, length.StepsPerEpoch);
            foreach (var batch in batches)
            {
                using (batch)
                using (torch.NewDisposeScope())
                {
                    double stepLoss = TrainStep(model, loss, optimizer, metaUpdate, mixing, batch, decoupled, lr, epoch, schedule, position);
                    maxNorm?.Project();
                    position.StepInEpoch++;
                    position.GlobalStep++;
                    _observer.StepCompleted(new StepProgress(epoch, position.StepInEpoch, length.StepsPerEpoch, position.GlobalStep, length.TotalSteps, stepLoss, lr));
                }
                if (cancellation.IsCancellationRequested) return SaveAndStop("during training");
                if (Training.CheckpointEverySteps is { } every && position.StepInEpoch % every == 0 && position.StepInEpoch < length.StepsPerEpoch)
                    SaveLatest();
            }
            // The batch stream ends early, without a step to notice, when it is cancelled while waiting for a batch.
            if (position.StepInEpoch < length.StepsPerEpoch)
                return cancellation.IsCancellationRequested
                    ? SaveAndStop("while waiting for data")
                    : throw new UnreachableException($"epoch {epoch} ended after {position.StepInEpoch} of {length.StepsPerEpoch} steps");

            RecordTrainingTime();
            var totals = position.Totals;
            double imagesPerSecond = (totals.Seen - untimedImages) / Math.Max(totals.TrainingSeconds, 1e-9);
            double trainLoss = totals.LossSum / Math.Max(totals.Seen, 1), trainAccuracy = (double)totals.Correct / Math.Max(totals.Seen, 1);
            tensorboard.add_scalar("train/loss", (float)trainLoss, epoch);
            tensorboard.add_scalar("train/accuracy", (float)trainAccuracy, epoch);
            tensorboard.add_scalar("train/lr", (float)lr, epoch);
            if (metaUpdate is not null)
            {
                Log("Meta Sampler class distribution P(c): " + DescribeDistribution(metaUpdate.ClassProbabilities()));
                metaUpdate.LogDistribution(epoch, Output, tensorboard);
                tensorboard.add_scalar("sampler/meta_loss", (float)(totals.MetaLossSum / Math.Max(position.StepInEpoch, 1)), epoch);
            }

            bool evaluate = epoch % Training.EvalEvery == 0 || epoch == length.Epochs;
            bool isBest = false;
            if (evaluate)
            {
                try
                {
                    latest = Evaluator.Evaluate(model, selectionLoader, classCounts, _data.SelectionSplit, _observer, cancellation);
                }
                catch (OperationCanceledException)
                {
                    // Every step of the epoch is done: the checkpoint resumes straight to this evaluation.
                    return SaveAndStop("while evaluating");
                }
                tensorboard.add_scalar($"{_data.SelectionSplit}/top1", (float)latest.Top1, epoch);
                isBest = position.BestTop1 is null || latest.Top1 > position.BestTop1;
                if (isBest)
                {
                    best = latest;
                    position.BestEpoch = epoch;
                    position.BestTop1 = latest.Top1;
                }
            }
            // The CSV row goes first: a crash between the two leaves a row that a resume rewrites, never a hole.
            Output.AppendEpoch(epoch, lr, trainLoss, trainAccuracy, evaluate ? _data.SelectionSplit : null, evaluate ? latest : null, imagesPerSecond);
            position.CompletedEpochs = epoch;
            position.StepInEpoch = 0;
            position.Totals = new EpochTotals();
            var info = CheckpointInfoFor(classCounts, position);
            // Best goes before latest: if the disk fills up between the two, the resume repeats this epoch (and
            // rewrites best identically) instead of continuing past an epoch whose best checkpoint was never written.
            if (isBest) Checkpoint.Save(Output.BestCheckpoint, info, model, optimizer, checkpointState());
            Checkpoint.Save(Output.LatestCheckpoint, info, model, optimizer, checkpointState());
            Log($"epoch {epoch}/{length.Epochs} lr {lr:G4} loss {trainLoss:F4} train acc {trainAccuracy:P2}" +
                (evaluate ? $" | {_data.SelectionSplit} top1 {latest!.Top1:P2}{(isBest ? " (best)" : "")}" : "") + $" | {imagesPerSecond:F0} img/s");
            _observer.EpochCompleted(new EpochSummary(epoch, length.Epochs, trainLoss, trainAccuracy, lr,
                evaluate ? latest : null, evaluate ? _data.SelectionSplit : null, isBest, imagesPerSecond));
        }

        try
        {
            // A run killed after its last epoch but before metrics.json was written resumes straight to here.
            latest ??= Evaluator.Evaluate(model, selectionLoader, classCounts, _data.SelectionSplit, _observer, cancellation);
            if (metaUpdate is not null)
                SamplingDistributionPlot.Write(Output.PathOf(RunFileNames.SamplingDistributionFigure), classCounts, metaUpdate.ClassProbabilities(), _data.ClassNames);
            return Finish(model, classCounts, latest!, best, position.BestEpoch!.Value, cancellation);
        }
        catch (OperationCanceledException)
        {
            Log($"interrupted during the final evaluation; every epoch is trained and saved in {Output.LatestCheckpoint}: continue with --resume");
            return Interrupted(position, Output.Path);
        }
    }

    /// <summary>One optimisation step (with the BALMS meta update first when the Meta Sampler is used); returns the loss.</summary>
    private double TrainStep(LongTailModel model, LongTailLoss loss, SgdMomentum optimizer, MetaSamplerUpdate? metaUpdate,
        BatchMixing? mixing, Batch batch, bool decoupled, double lr, int epoch, LearningRateSchedule schedule, Position position)
    {
        Tensor logits;
        // Mixing is for end-to-end stages only (the config says so); training accuracy counts the batch's own labels.
        var mixed = mixing?.Mix(batch.Images, batch.Labels, epoch, position.StepInEpoch);
        if (metaUpdate is not null)
        {
            logits = model.Head.call(metaUpdate.Update(model, optimizer, batch, lr, loss, out double metaLoss));
            position.Totals.MetaLossSum += metaLoss;
        }
        else logits = decoupled ? model.Head.call(Features(model, batch.Images)) : model.call(mixed?.Images ?? batch.Images);
        var batchLoss = mixed is null ? loss.Forward(logits, batch.Labels) : loss.Forward(logits, batch.Labels, mixed.OtherLabels, mixed.Lambda);
        optimizer.ZeroGrad();
        batchLoss.backward();
        double lossValue = batchLoss.item<float>();
        if (!double.IsFinite(lossValue))
            throw new BalmsException($"the training loss became {lossValue} at epoch {epoch}, step {position.StepInEpoch + 1}; stopped before updating the model" +
                (File.Exists(Output.LatestCheckpoint) ? $", the last good checkpoint is {Output.LatestCheckpoint}" : "; try a lower training.optimizer.lr"));
        optimizer.Step(group => schedule.LearningRate(epoch, group.BaseLr));
        position.Totals.LossSum += lossValue * batch.Size;
        position.Totals.Correct += logits.argmax(1).eq(batch.Labels).sum().item<long>();
        position.Totals.Seen += batch.Size;
        return lossValue;
    }

    private RunResult Interrupted(Position position, string runPath) =>
        new(null, null, position.BestEpoch, _data.SelectionSplit, runPath, Interrupted: true);

    /// <summary>Restores model, optimiser, sampler and position from the run's latest checkpoint.</summary>
    private Position Resume(LongTailModel model, SgdMomentum optimizer, MetaSamplerUpdate? metaUpdate, TrainingLength length)
    {
        var run = RunDirectory.Existing(_runPath);
        string resolved = ComparableConfig(_options);
        string previous = RecordedConfig(run.Path)
                           ?? throw new BalmsException($"cannot resume: {run.Path} holds no run (it has no {RunFileNames.Config}); start one there without --resume");
        if (previous != resolved)
            throw new BalmsException($"cannot resume {run.Path} with a different config ({FirstDifference(previous, resolved)}); resume with the run's own {RunFileNames.Config}");
        string from = run.ResumeCheckpoint
                      ?? throw new BalmsException($"cannot resume: {run.Path} has no checkpoint (the run stopped before its first one); start it again without --resume" +
                                                  (run.HoldsEarlierRun ? $" (the run it was replacing is in {run.PathOf(RunFileNames.EarlierRun)})" : ""));
        using var checkpoint = Checkpoint.Load(from);
        checkpoint.LoadInto(model, from);
        optimizer.LoadMomentum(checkpoint.MomentumBuffers());
        metaUpdate?.LoadState(checkpoint.Tensors, from);
        var info = checkpoint.Info;
        if (info.Epoch >= length.Epochs && File.Exists(run.MetricsFile))
            throw new BalmsException($"{run.Path} has already finished all {length.Epochs} epochs (see its {RunFileNames.Metrics})");
        _runDirectory = run;
        Output.KeepEpochsUpTo(info.Epoch);
        metaUpdate?.KeepDistributionUpTo(info.Epoch, Output);
        Log($"resuming {run.Path} at epoch {info.Epoch + 1}, step {info.StepInEpoch} (global step {info.GlobalStep})" +
            (from == run.LatestCheckpoint ? "" : $" from {RunFileNames.BestCheckpointPath}: {RunFileNames.LatestCheckpointPath} was never written"));
        return new Position
        {
            CompletedEpochs = info.Epoch,
            StepInEpoch = info.StepInEpoch,
            GlobalStep = info.GlobalStep,
            Totals = info.EpochTotals ?? new EpochTotals(),
            BestEpoch = info.BestEpoch,
            BestTop1 = info.BestTop1,
        };
    }

    /// <summary>
    /// A config as resume compares it: without output.dir, since a run directory is where the run is, however its
    /// path is spelled (a trailing slash, a relative path) or wherever it has been moved.
    /// </summary>
    public static string ComparableConfig(ExperimentOptions options) => ConfigWriter.ToYaml(options with { Output = new OutputOptions() });

    /// <summary>
    /// The config.yaml of a run directory as <see cref="ComparableConfig"/> gives it, in this version's form so that
    /// a setting added since the run started (with its default) does not count as a change; the text itself when it
    /// no longer parses; null when there is none.
    /// </summary>
    public static string? RecordedConfig(string runDirectory)
    {
        string path = Path.Combine(runDirectory, RunFileNames.Config);
        if (!File.Exists(path)) return null;
        string text = File.ReadAllText(path);
        try
        {
            return ComparableConfig(ConfigLoader.Parse(text, path));
        }
        catch (ConfigException)
        {
            return text;
        }
    }

    /// <summary>P(c) of every class, or of every tenth of them when there are many (as the original logs it).</summary>
    private string DescribeDistribution(double[] probabilities)
    {
        int stride = Math.Max(1, probabilities.Length / 10);
        return string.Join(", ", Enumerable.Range(0, probabilities.Length).Where(c => c % stride == 0)
            .Select(c => $"{_data.ClassNames[c]}={probabilities[c]:F3}"));
    }

    private static string FirstDifference(string before, string now)
    {
        var a = before.Split('\n');
        var b = now.Split('\n');
        for (int i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            string left = i < a.Length ? a[i].Trim() : "", right = i < b.Length ? b[i].Trim() : "";
            if (left != right) return $"line {i + 1}: run has '{left}', now '{right}'";
        }
        return "no difference";
    }

    /// <param name="bestSelection">The best epoch's metrics on the selection split, or null when that epoch ran
    /// before a resume (its checkpoint is evaluated again).</param>
    private RunResult Finish(LongTailModel model, long[] classCounts, ClassificationMetrics lastSelection,
        ClassificationMetrics? bestSelection, int bestEpoch, CancellationToken cancellation)
    {
        var testLoader = new BatchLoader(_data.Test, _options.Data.Workers, _options.Data.Prefetch, _options.Seed, _device);
        bool selectedOnTest = _data.Validation is null;
        var final = selectedOnTest ? lastSelection : Evaluator.Evaluate(model, testLoader, classCounts, "test", _observer, cancellation);
        ClassificationMetrics bestOnTest;
        if (selectedOnTest && bestSelection is not null) bestOnTest = bestSelection;
        else
        {
            using var bestModel = CreateModel();
            using (var checkpoint = Checkpoint.Load(Output.BestCheckpoint)) checkpoint.LoadInto(bestModel, Output.BestCheckpoint);
            bestModel.to(_device);
            bestOnTest = Evaluator.Evaluate(bestModel, testLoader, classCounts, "test", _observer, cancellation);
        }
        var json = RunDirectory.MetricsJson(final, _data.ClassNames);
        json["split"] = "test";
        json["model"] = "final_epoch";
        json["experiment"] = _options.Name;
        json["dataset"] = _data.DatasetName;
        json["backbone"] = _options.Model.Backbone;
        json["class_counts"] = new System.Text.Json.Nodes.JsonArray(classCounts.Select(c => (System.Text.Json.Nodes.JsonNode?)c).ToArray());
        var bestJson = RunDirectory.MetricsJson(bestOnTest, _data.ClassNames);
        bestJson.Remove("class_names");
        bestJson["epoch"] = bestEpoch;
        bestJson["selected_on"] = _data.SelectionSplit;
        json["best"] = bestJson;
        Output.WriteText(RunFileNames.Metrics, json.ToJsonString(RunDirectory.Json) + "\n");
        Log($"final epoch: test top1 {final.Top1:P2}; best epoch {bestEpoch} (selected on {_data.SelectionSplit}): test top1 {bestOnTest.Top1:P2}");
        return new RunResult(final, bestOnTest, bestEpoch, _data.SelectionSplit, Output.Path, false);
    }

    private LongTailModel CreateModel() => LongTailModel.Create(_options.Model.Backbone, _data.InputChannels,
        _data.ClassCount, ComputePrecision.Of(_options.Model.Precision), _options.Model.Head);

    private static Tensor Features(LongTailModel model, Tensor images)
    {
        // The backbone is frozen: its forward needs no graph (BatchNorm still updates its statistics in train mode).
        using var noGrad = torch.no_grad();
        return model.Backbone.call(images);
    }

    private void SetTrainMode(LongTailModel model, bool decoupled)
    {
        model.train();
        if (decoupled && Training.FreezeBatchNorm) model.Backbone.eval();
    }

    private void LoadStageOne(LongTailModel model)
    {
        string path = ResolveStageOneCheckpoint(Training.ModelDir!);
        using var weights = ModelWeights.Read(path);
        if (weights.Info.Checkpoint is { } info)
        {
            if (!string.Equals(info.Backbone, _options.Model.Backbone, StringComparison.OrdinalIgnoreCase))
                throw new BalmsException($"model_dir {path} holds a {info.Backbone} model, but this config expects {_options.Model.Backbone}");
            if (info.InputChannels != _data.InputChannels)
                throw new BalmsException($"model_dir {path} holds a model for {info.InputChannels}-channel images, but {_data.DatasetName} has {_data.InputChannels}");
        }
        bool redraw = Training.Stage2Subset == Stage2Subset.Redraw;
        TrainingDataMatch.Check(weights.Info, _data, sameTrainingImages: !redraw);
        if (redraw) Log(DescribeRedraw(path));
        // A PyTorch file does not name its architecture: matching every backbone tensor by name and shape checks it.
        weights.CopyInto(model, includeClassifier: !Training.ResetClassifier);
        // As the original: a fresh classifier on the frozen stage-1 backbone.
        if (Training.ResetClassifier) model.Head.ResetParameters();
        model.FreezeBackbone();
        Log($"stage 1 loaded from {path} ({weights.Info.Summary}); backbone frozen{(Training.FreezeBatchNorm ? " including BatchNorm statistics" : ", BatchNorm in train mode as the original")}; " +
            (Training.ResetClassifier ? "classifier re-initialised" : "classifier kept from stage 1"));
    }

    private string DescribeRedraw(string stageOneCheckpoint)
    {
        string drawn = $"stage 2 trains on its own long-tailed draw (data_seed {_options.Data.DataSeed}, training.stage2_subset: redraw)";
        if (TrainingDataMatch.TrainIndicesOfItsRun(stageOneCheckpoint) is not { } stageOne) return drawn + "; the stage-1 run records no training images to compare with";
        int shared = _data.TrainIndices.Intersect(stageOne).Count();
        return drawn + $": {shared} of its {_data.TrainIndices.Count} images were in stage 1's training set";
    }

    private const string OriginalStageOneCheckpoint = "final_model_checkpoint.pth";

    /// <summary>
    /// model_dir may name a run directory (its best checkpoint is used, as the original's final_model_checkpoint), the
    /// original's stage-1 log directory (its final_model_checkpoint.pth), or a file of any format ModelWeights reads.
    /// </summary>
    public static string ResolveStageOneCheckpoint(string modelDir)
    {
        if (RunDirectory.FindCheckpoint(modelDir) is { } found) return found;
        string original = Path.Combine(modelDir, OriginalStageOneCheckpoint);
        if (File.Exists(original)) return original;
        if (Directory.Exists(modelDir))
            throw new BalmsException($"model_dir {modelDir} holds neither {RunFileNames.BestCheckpointPath} nor the original's {OriginalStageOneCheckpoint}; train stage 1 first (or point model_dir at a checkpoint file)");
        throw new BalmsException($"model_dir {modelDir} does not exist; train stage 1 first (e.g. ./balms train --config the matching softmax_*.yaml)");
    }

    private IBatchSampler CreateSampler(long[] classCounts, out int loaderLength)
    {
        int batch = Training.BatchSize;
        int n = _data.Train.Count;
        if (n < batch) throw new BalmsException($"the training set has {n} images, fewer than one batch of {batch}; lower training.batch_size");
        switch (Training.Sampler)
        {
            case ClassAwareSamplerOptions classAware:
                var sampler = new ClassAwareSampler(_data.Train.Labels, _data.ClassCount, classAware.SamplesPerClass, batch, _options.Seed);
                loaderLength = sampler.LoaderLength;
                return sampler;
            case MetaSamplerOptions:
                // Only the epoch's length comes from this sampler: MetaSamplerUpdate draws each batch with the current
                // sampling weights. The Meta Sampler yields exactly floor(N / B) batches, so len(loader) is that.
                var instance = new InstanceSampler(n, batch, _options.Seed);
                loaderLength = instance.BatchesPerEpoch;
                return instance;
            default:
                var plain = new InstanceSampler(n, batch, _options.Seed);
                loaderLength = plain.LoaderLength;
                return plain;
        }
    }

    private SgdMomentum CreateOptimizer(LongTailModel model, bool decoupled)
    {
        var optimizer = Training.Optimizer;
        var groups = new List<SgdMomentum.Group>();
        if (!decoupled)
            groups.Add(new SgdMomentum.Group("feat_model", model.Backbone.named_parameters().ToList(), optimizer.BackboneLr ?? optimizer.Lr));
        groups.Add(new SgdMomentum.Group("classifier", model.Head.named_parameters().ToList(), optimizer.Lr));
        return new SgdMomentum(groups, optimizer.Momentum, optimizer.WeightDecay);
    }

    private CheckpointInfo CheckpointInfoFor(long[] classCounts, Position position) => new()
    {
        Backbone = _options.Model.Backbone,
        InputChannels = _data.InputChannels,
        ClassCount = _data.ClassCount,
        ClassNames = _data.ClassNames.ToArray(),
        ClassCounts = classCounts,
        Dataset = _data.DatasetName,
        Experiment = _options.Name,
        Epoch = position.CompletedEpochs,
        StepInEpoch = position.StepInEpoch,
        GlobalStep = position.GlobalStep,
        EpochTotals = position.StepInEpoch > 0 ? position.Totals : null,
        BestEpoch = position.BestEpoch,
        BestTop1 = position.BestTop1,
        SelectionSplit = _data.SelectionSplit,
        InputTransform = _data.TestTransformKey.ToString(),
        ModelPrior = ModelPriors.KeyFor(Training),
        Head = _options.Model.Head.ToRecord(),
    };

    private void WriteRunHeader(long[] classCounts)
    {
        Output.WriteText(RunFileNames.Config, ConfigWriter.ToYaml(_options));
        Output.WriteJson(RunFileNames.TrainIndices, new { dataset = _data.DatasetName, data_seed = _options.Data.DataSeed, indices = _data.TrainIndices });
        Output.WriteJson(RunFileNames.ClassCounts, classCounts);
        Log($"run {_options.Name}: {_data.DatasetName}, {_data.Train.Count} training images in {_data.ClassCount} classes (max {classCounts.Max()}, min {classCounts.Min()}), test {_data.Test.Count}");
    }

    private void Log(string line)
    {
        _observer.Message(line);
        if (_runDirectory is null)
        {
            _setupLog.Add(line);
            return;
        }
        foreach (var pending in _setupLog) _runDirectory.AppendLog(pending);
        _setupLog.Clear();
        _runDirectory.AppendLog(line);
    }
}
