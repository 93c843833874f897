using System.Text.Json.Nodes;
using Balms.Configuration;
using Balms.Data;
using Balms.Evaluation;
using Balms.Inference;
using Balms.Models;
using Balms.Reporting;
using Balms.Training;
using Balms.Training.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Cli;

/// <summary>
/// The original's --test: evaluate a checkpoint on the test split, print the table, write metrics.json. Optionally on
/// a test set redrawn to another class prior (--test-prior) and with the logits adjusted to a target prior (--prior).
/// </summary>
public static class EvalCommand
{
    public const string Usage = "eval --config FILE --checkpoint FILE [--output DIR] [--data-root DIR] [--set key=value ...] [--device cpu|cuda[:N]] [--prior train|uniform|test|FILE] [--model-prior balanced|train] [--test-prior forward:IF|backward:IF|FILE]";

    public static int Run(Arguments arguments, CancellationToken cancellation)
    {
        arguments.Allow("--config", "--checkpoint", "--output", "--data-root", "--set", "--device", "--prior", "--model-prior", "--test-prior");
        var options = CliApp.LoadConfig(arguments, arguments.Required("--config", Usage));
        string checkpointPath = arguments.Required("--checkpoint", Usage);
        var device = Devices.Resolve(options.Device);
        var data = DatasetCatalog.Load(options);

        using var model = LongTailModel.Create(options.Model.Backbone, data.InputChannels, data.ClassCount,
            ComputePrecision.Of(options.Model.Precision));
        ModelPrior modelPrior;
        using (var weights = ModelWeights.Read(checkpointPath))
        {
            if (weights.Info.ClassCount is { } classCount && classCount != data.ClassCount)
                throw new BalmsException($"{checkpointPath} holds a model for {classCount} classes, but {data.DatasetName} has {data.ClassCount}");
            weights.CopyInto(model, includeClassifier: true);
            Console.WriteLine($"loaded {checkpointPath} ({weights.Info.Summary})");
            modelPrior = ModelPriors.Resolve(PredictCommand.ModelPriorOption(arguments), weights.Info.Checkpoint?.ModelPrior, checkpointPath);
        }
        model.to(device);
        model.eval();

        long[] trainCounts = data.Train.ClassCounts();
        var test = data.Test;
        string? testPrior = arguments.One("--test-prior");
        if (testPrior is not null)
        {
            int[] kept = LabelShiftedTestSet.Counts(testPrior, trainCounts, test.ClassCounts());
            test = LabelShiftedTestSet.Draw(test, kept, options.Data.DataSeed);
            Console.WriteLine($"test set redrawn for --test-prior {testPrior} (data seed {options.Data.DataSeed}): {test.Count} images, per class [{string.Join(", ", kept)}]");
        }

        string? prior = arguments.One("--prior");
        double[]? offsets = null;
        if (prior is not null)
        {
            double[] target = prior == "test"
                ? PriorAdjustment.FromCounts(test.ClassCounts(), "the test class counts")
                : PriorAdjustment.ParseTarget(prior, trainCounts);
            double[] own = modelPrior == ModelPrior.Balanced
                ? PriorAdjustment.Uniform(data.ClassCount)
                : PriorAdjustment.FromCounts(trainCounts, "the training class counts");
            offsets = PriorAdjustment.LogitOffsets(target, own);
            Console.WriteLine($"logits adjusted from the model's {modelPrior.ToKey()} prior to the {prior} prior");
        }
        using var adjusted = offsets is null ? null : new PriorAdjustedModel(model, offsets, device);
        nn.Module<Tensor, Tensor> evaluated = adjusted is null ? model : adjusted;

        var loader = new BatchLoader(test, options.Data.Workers, options.Data.Prefetch, options.Seed, device);
        var metrics = ConsoleObserver.Render(options.Training.BatchSize,
            observer => Evaluator.Evaluate(evaluated, loader, Trainer.EvalBatchSize, trainCounts, "test", observer, cancellation));
        if (cancellation.IsCancellationRequested) return CliApp.Interrupted;

        var run = new RunDirectory(arguments.One("--output") ?? Path.Combine(options.Output.Dir, "eval"));
        var json = RunDirectory.MetricsJson(metrics, data.ClassNames);
        json["split"] = "test";
        json["checkpoint"] = Path.GetFullPath(checkpointPath);
        json["model_prior"] = modelPrior.ToKey();
        json["prior"] = prior;
        json["test_prior"] = testPrior;
        json["test_class_counts"] = new JsonArray(test.ClassCounts().Select(n => (JsonNode?)n).ToArray());
        run.WriteText(RunFileNames.Metrics, json.ToJsonString(RunDirectory.Json) + "\n");
        ResultsTable.Print($"{options.Name}: test accuracy (%) of {checkpointPath}", [new ResultsTable.Row(options.Name, metrics)]);
        Console.WriteLine($"metrics written to {run.MetricsFile}");
        return 0;
    }
}
