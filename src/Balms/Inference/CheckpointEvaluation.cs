using System.Text.Json.Nodes;
using Balms.Configuration;
using Balms.Data;
using Balms.Evaluation;
using Balms.Models;
using Balms.Reporting;
using Balms.Training;
using Balms.Training.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Inference;

/// <summary>Which checkpoint to evaluate, and for which priors.</summary>
/// <param name="CheckpointPath">A checkpoint of the experiment's backbone, for its classes, or a run directory (its best
/// checkpoint).</param>
/// <param name="ModelPrior">The prior the checkpoint's logits are for; null = the one it records (see
/// <see cref="ModelPriors.Resolve"/>).</param>
/// <param name="Prior">The prior to adjust the logits to: train, uniform, train^P, test (the class counts of the test set
/// evaluated) or a JSON file of per-class weights; null = the model's own.</param>
/// <param name="TestPrior">Evaluate on the test split redrawn to this prior, see <see cref="LabelShiftedTestSet"/>;
/// null = the test split as it is.</param>
public sealed record CheckpointEvaluationRequest(string CheckpointPath, ModelPrior? ModelPrior = null,
    string? Prior = null, string? TestPrior = null);

/// <param name="MetricsJson">The metrics.json of the evaluation: the metrics with the checkpoint, priors and test
/// class counts they were computed for.</param>
public sealed record CheckpointEvaluationResult(ClassificationMetrics Metrics, JsonObject MetricsJson);

/// <summary>
/// Evaluates a trained checkpoint on an experiment's test split, optionally on a test set redrawn to another class
/// prior and with the logits adjusted to a target prior. What it loaded, redrew and adjusted goes to <c>report</c>, one
/// line each, so that a user can tell which evaluation the numbers belong to.
/// </summary>
public static class CheckpointEvaluation
{
    /// <returns>null when cancelled: the pass stops early, and metrics of part of the test set would mislead.</returns>
    /// <exception cref="BalmsException">The checkpoint is unreadable or for another number of classes, or a prior is
    /// invalid.</exception>
    public static CheckpointEvaluationResult? Run(CheckpointEvaluationRequest request, ExperimentOptions options,
        ExperimentData data, Device device, IPassObserver observer, Action<string> report, CancellationToken cancellation = default)
    {
        // Both priors are read before the checkpoint, so that a mistyped option fails at once, on its own.
        long[] trainCounts = data.Train.ClassCounts();
        int[]? keptPerClass = request.TestPrior is { } testPrior
            ? LabelShiftedTestSet.Counts(testPrior, trainCounts, data.Test.ClassCounts())
            : null;
        var test = keptPerClass is null ? data.Test : LabelShiftedTestSet.Draw(data.Test, keptPerClass, options.Data.DataSeed);
        double[]? target = request.Prior switch
        {
            null => null,
            "test" => PriorAdjustment.FromCounts(test.ClassCounts(), "the test class counts"),
            var prior => PriorAdjustment.ParseTarget(prior, trainCounts, "uniform, train, train^P, test"),
        };

        ComputePrecision.EnsureNative(options.Model, device, CpuInfo.Current);
        using var model = LongTailModel.Create(options.Model.Backbone, data.InputChannels, data.ClassCount,
            ComputePrecision.Of(options.Model.Precision), options.Model.Head);
        string checkpointPath = ImageClassifier.ResolveCheckpoint(request.CheckpointPath);
        var modelPrior = LoadWeights(model, checkpointPath, request.ModelPrior, data, report);
        model.to(device);
        model.eval();
        if (keptPerClass is not null)
            report($"test set redrawn for --test-prior {request.TestPrior} (data seed {options.Data.DataSeed}): {test.Count} images, per class [{string.Join(", ", keptPerClass)}]");
        using var adjusted = target is null ? null
            : new PriorAdjustedModel(model, LogitOffsets(target, request.Prior!, modelPrior, trainCounts, report), device);
        nn.Module<Tensor, Tensor> evaluated = adjusted is null ? model : adjusted;

        var loader = new BatchLoader(test, options.Data.Workers, options.Data.Prefetch, options.Seed, device);
        ClassificationMetrics metrics;
        try
        {
            metrics = Evaluator.Evaluate(evaluated, loader, trainCounts, "test", observer, cancellation);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        var json = RunDirectory.MetricsJson(metrics, data.ClassNames);
        json["split"] = "test";
        // The keys a training run's metrics.json has too, so that `report` treats an evaluation like a run.
        json["experiment"] = options.Name;
        json["dataset"] = data.DatasetName;
        json["backbone"] = options.Model.Backbone;
        json["class_counts"] = new JsonArray(trainCounts.Select(n => (JsonNode?)n).ToArray());
        json["checkpoint"] = Path.GetFullPath(checkpointPath);
        json["model_prior"] = modelPrior.ToKey();
        json["prior"] = request.Prior;
        json["test_prior"] = request.TestPrior;
        json["test_class_counts"] = new JsonArray(test.ClassCounts().Select(n => (JsonNode?)n).ToArray());
        return new CheckpointEvaluationResult(metrics, json);
    }

    /// <returns>The prior the loaded logits are for.</returns>
    private static ModelPrior LoadWeights(LongTailModel model, string path, ModelPrior? chosenPrior, ExperimentData data,
        Action<string> report)
    {
        using var weights = ModelWeights.Read(path);
        TrainingDataMatch.Check(weights.Info, data);
        weights.CopyInto(model, includeClassifier: true);
        report($"loaded {path} ({weights.Info.Summary})");
        return ModelPriors.Resolve(chosenPrior, weights.Info.Checkpoint?.ModelPrior, path);
    }

    private static double[] LogitOffsets(double[] target, string prior, ModelPrior modelPrior, long[] trainCounts,
        Action<string> report)
    {
        double[] offsets = PriorAdjustment.LogitOffsets(target, modelPrior.Distribution(trainCounts));
        report($"logits adjusted from the model's {modelPrior.ToKey()} prior to the {prior} prior");
        return offsets;
    }
}
