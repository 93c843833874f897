using Balms.Data;
using Balms.Inference;
using Balms.Reporting;
using Balms.Training;

namespace Balms.Cli;

/// <summary>
/// The original's --test: evaluate a checkpoint on the test split, print the table, write metrics.json. Optionally on
/// a test set redrawn to another class prior (--test-prior) and with the logits adjusted to a target prior (--prior).
/// </summary>
public static class EvalCommand
{
    public const string Usage = "eval --config FILE --checkpoint FILE|RUN_DIR [--output DIR] [--data-root DIR] [--set key=value ...] [--device cpu|cuda[:N]] [--prior uniform|train|train^P|test|FILE] [--model-prior balanced|train|train^P] [--test-prior forward:IF|backward:IF|FILE]";

    public static int Run(Arguments arguments, CancellationToken cancellation)
    {
        arguments.Allow("--config", "--checkpoint", "--output", "--data-root", "--set", "--device", "--prior", "--model-prior", "--test-prior");
        var options = CliApp.LoadConfig(arguments, arguments.Required("--config", Usage));
        var request = new CheckpointEvaluationRequest(arguments.Required("--checkpoint", Usage),
            PredictCommand.ModelPriorOption(arguments), arguments.One("--prior"), arguments.One("--test-prior"));
        string output = arguments.One("--output") ?? Path.Combine(options.Output.Dir, "eval");
        using var held = HeldFolders.Hold([output]);
        var device = Devices.Resolve(options.Device);

        var result = ConsoleObserver.Render(options.Training.BatchSize,
            observer => CheckpointEvaluation.Run(request, options, DatasetCatalog.Load(options, observer), device, observer, observer.Message, cancellation));
        if (result is null) return CliApp.Interrupted;

        var run = new RunDirectory(output);
        run.WriteText(RunFileNames.Metrics, result.MetricsJson.ToJsonString(RunDirectory.Json) + "\n");
        ResultsTable.Print($"{options.Name}: test accuracy (%) of {request.CheckpointPath}", [new ResultsTable.Row(options.Name, ResultsTable.Scores.Of(result.Metrics))]);
        Console.WriteLine($"metrics written to {run.MetricsFile}");
        return 0;
    }
}
