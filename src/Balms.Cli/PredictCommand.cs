using System.Globalization;
using System.Text.Json;
using Balms.Configuration;
using Balms.Inference;

namespace Balms.Cli;

/// <summary>
/// Classifies image files (or every image in folders) with a trained checkpoint and prints the top-k classes: a
/// tab-separated table (image, then class and probability per rank) or, with --json, one JSON object a line.
/// </summary>
public static class PredictCommand
{
    public const string Usage = "predict --checkpoint FILE|RUN_DIR IMAGE_OR_FOLDER... [--top K] [--json] [--prior train|uniform|FILE] [--model-prior balanced|train] [--batch-size N] [--workers N] [--device cpu|cuda[:N]]";

    private static readonly JsonSerializerOptions JsonLines = new() { WriteIndented = false };

    public static int Run(Arguments arguments, CancellationToken cancellation)
    {
        arguments.Allow("--checkpoint", "--top", "--json", "--prior", "--model-prior", "--batch-size", "--workers", "--device");
        string checkpoint = arguments.Required("--checkpoint", Usage);
        if (arguments.Positional.Count == 0) throw new BalmsException($"no images given; usage: ./balms {Usage}");
        int top = PositiveInt(arguments, "--top", 5);
        int batchSize = PositiveInt(arguments, "--batch-size", 64);
        int workers = PositiveInt(arguments, "--workers", Environment.ProcessorCount);
        bool json = arguments.Has("--json");
        var paths = PredictionImages.Expand(arguments.Positional);

        using var loaded = ImageClassifier.Load(checkpoint, arguments.One("--device") ?? "cpu", ModelPriorOption(arguments), workers);
        using var adjusted = arguments.One("--prior") is { } prior
            ? loaded.WithPrior(PriorAdjustment.ParseTarget(prior, loaded.TrainingClassCounts))
            : null;
        var classifier = adjusted ?? loaded;
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

    /// <summary>--model-prior, for checkpoints that do not record the prior their model was trained for.</summary>
    public static ModelPrior? ModelPriorOption(Arguments arguments) =>
        arguments.One("--model-prior") is { } key ? ModelPriors.Parse(key, "--model-prior") : null;

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
