using System.Globalization;
using System.Text.Json;
using Balms.Configuration;
using Balms.Inference;

namespace Balms.Cli;

/// <summary>
/// Classifies image files (or every image in folders) with a trained checkpoint, or a model exported to ONNX, and prints
/// the top-k classes: a tab-separated table (image, then class and probability per rank) or, with --json, one JSON
/// object a line.
/// </summary>
public static class PredictCommand
{
    public const string Usage = "predict --checkpoint FILE|RUN_DIR | --model FILE.onnx IMAGE_OR_FOLDER... [--top K] [--json] [--prior uniform|train|train^P|FILE] [--model-prior balanced|train|train^P] [--batch-size N] [--workers N] [--device cpu|cuda[:N]]";

    private static readonly JsonSerializerOptions JsonLines = new() { WriteIndented = false };

    public static int Run(Arguments arguments, CancellationToken cancellation)
    {
        arguments.Allow("--checkpoint", "--model", "--top", "--json", "--prior", "--model-prior", "--batch-size", "--workers", "--device");
        string? checkpoint = arguments.One("--checkpoint"), exported = arguments.One("--model");
        if ((checkpoint is null) == (exported is null))
            throw new BalmsException($"give one of --checkpoint (a checkpoint or run directory) and --model (a file written by ./balms export); usage: ./balms {Usage}");
        if (arguments.Positional.Count == 0) throw new BalmsException($"no images given; usage: ./balms {Usage}");
        int top = PositiveInt(arguments, "--top", 5);
        int batchSize = PositiveInt(arguments, "--batch-size", 64);
        int workers = PositiveInt(arguments, "--workers", Environment.ProcessorCount);
        bool json = arguments.Has("--json");
        var paths = PredictionImages.Expand(arguments.Positional);

        using var classifier = LoadClassifier(arguments, (checkpoint ?? exported)!, isExported: exported is not null,
            arguments.One("--device") ?? "cpu", workers);
        int ranks = Math.Min(top, classifier.ClassNames.Count);
        if (ranks < top) Console.Error.WriteLine($"note: --top {top} is more than the model's {ranks} classes; all {ranks} are shown");
        if (!json)
            Console.WriteLine(string.Join('\t', new[] { "image" }.Concat(Enumerable.Range(1, ranks).SelectMany(r => new[] { $"class_{r}", $"p_{r}" }))));
        foreach (var image in classifier.ClassifyBatch(paths, top, batchSize))
        {
            if (cancellation.IsCancellationRequested) return CliApp.Interrupted;
            Console.WriteLine(json ? JsonLine(image) : TableRow(image));
        }
        return 0;
    }

    /// <summary>
    /// The classifier of a checkpoint (with --model-prior) or of an exported model, adjusted to --prior when given:
    /// what predict runs and export writes.
    /// </summary>
    public static ImageClassifier LoadClassifier(Arguments arguments, string path, bool isExported, string device, int workers)
    {
        if (isExported && arguments.Has("--model-prior"))
            throw new BalmsException($"--model-prior applies to checkpoints: {path} records the prior its model was trained for");
        var loaded = isExported
            ? ImageClassifier.LoadOnnx(path, device, workers)
            : ImageClassifier.Load(path, device, ModelPriorOption(arguments), workers);
        if (arguments.One("--prior") is not { } prior) return loaded;
        // The adjusted classifier shares the model, which lives on until the last classifier using it is disposed.
        using (loaded) return loaded.WithPrior(PriorAdjustment.ParseTarget(prior, loaded.TrainingClassCounts));
    }

    /// <summary>--model-prior, for checkpoints that do not record the prior their model was trained for.</summary>
    public static ModelPrior? ModelPriorOption(Arguments arguments) =>
        arguments.One("--model-prior") is { } key ? ModelPrior.Parse(key, "--model-prior") : null;

    private static string TableRow(ImagePredictions image) =>
        string.Join('\t', new[] { image.Path }.Concat(image.Top.SelectMany(p => new[] { p.ClassName, Probability(p.Probability) })));

    private static string JsonLine(ImagePredictions image) => JsonSerializer.Serialize(new
    {
        path = image.Path,
        top = image.Top.Select(p => new Dictionary<string, object> { ["class"] = p.ClassName, ["probability"] = p.Probability }),
    }, JsonLines);

    private static string Probability(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

    private static int PositiveInt(Arguments arguments, string name, int fallback)
    {
        string? text = arguments.One(name);
        if (text is null) return fallback;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw new BalmsException($"{name} must be a positive integer, got '{text}'");
    }
}
