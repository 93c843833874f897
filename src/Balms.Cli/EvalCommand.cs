using Balms.Data;
using Balms.Evaluation;
using Balms.Models;
using Balms.Reporting;
using Balms.Training;
using Balms.Training.Checkpoints;
using TorchSharp;

namespace Balms.Cli;

/// <summary>The original's --test: evaluate a checkpoint on the test split, print the table, write metrics.json.</summary>
public static class EvalCommand
{
    private const string Usage = "eval --config FILE --checkpoint FILE [--output DIR] [--data-root DIR] [--set key=value ...]";

    public static int Run(Arguments arguments, CancellationToken cancellation)
    {
        arguments.Allow("--config", "--checkpoint", "--output", "--data-root", "--set", "--device");
        var options = CliApp.LoadConfig(arguments, arguments.Required("--config", Usage));
        string checkpointPath = arguments.Required("--checkpoint", Usage);
        var device = Devices.Resolve(options.Device);
        var data = DatasetCatalog.Load(options);

        using var model = LongTailModel.Create(options.Model.Backbone, data.InputChannels, data.ClassCount);
        using (var weights = ModelWeights.Read(checkpointPath))
        {
            if (weights.Info.ClassCount is { } classCount && classCount != data.ClassCount)
                throw new BalmsException($"{checkpointPath} holds a model for {classCount} classes, but {data.DatasetName} has {data.ClassCount}");
            weights.CopyInto(model, includeClassifier: true);
            Console.WriteLine($"loaded {checkpointPath} ({weights.Info.Summary})");
        }
        model.to(device);

        long[] trainCounts = data.Train.ClassCounts();
        var loader = new BatchLoader(data.Test, options.Data.Workers, options.Data.Prefetch, options.Seed, device);
        var metrics = ConsoleObserver.Render(options.Training.BatchSize,
            observer => Evaluator.Evaluate(model, loader, 256, trainCounts, "test", observer, cancellation));
        if (cancellation.IsCancellationRequested) return CliApp.Interrupted;

        var run = new RunDirectory(arguments.One("--output") ?? Path.Combine(options.Output.Dir, "eval"));
        var json = RunDirectory.MetricsJson(metrics, data.ClassNames);
        json["split"] = "test";
        json["checkpoint"] = Path.GetFullPath(checkpointPath);
        run.WriteText("metrics.json", json.ToJsonString(RunDirectory.Json) + "\n");
        ResultsTable.Print($"{options.Name}: test accuracy (%) of {checkpointPath}", [new ResultsTable.Row(options.Name, metrics)]);
        Console.WriteLine($"metrics written to {run.MetricsFile}");
        return 0;
    }
}
