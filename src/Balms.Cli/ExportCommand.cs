using System.Globalization;
using Balms.Configuration;
using Balms.Inference;
using Balms.Inference.Onnx;
using Balms.Training.Checkpoints;

namespace Balms.Cli;

/// <summary>
/// Writes a checkpoint (ours, a safetensors file or a PyTorch .pth) in the format the output's extension names: its
/// model weights as one safetensors file, keyed by our names or, with --pytorch-keys, by the original code's; or, for
/// a checkpoint of ./balms train, the whole model as an ONNX file that ONNX Runtime runs without libtorch, with the
/// prior adjustment of predict --prior and optionally a softmax inside.
/// </summary>
public static class ExportCommand
{
    public const string Usage = "export --checkpoint FILE|RUN_DIR [--force] --output FILE.safetensors [--pytorch-keys] | --output FILE.onnx [--prior train|uniform|FILE] [--model-prior balanced|train] [--softmax]";

    private const string SafeTensorsExtension = ".safetensors";

    public static int Run(Arguments arguments, CancellationToken cancellation)
    {
        arguments.Allow("--checkpoint", "--output", "--pytorch-keys", "--prior", "--model-prior", "--softmax", "--force");
        string checkpointPath = ImageClassifier.ResolveCheckpoint(arguments.Required("--checkpoint", Usage));
        string output = arguments.Required("--output", Usage);
        bool onnx = output.EndsWith(OnnxExport.Extension, StringComparison.OrdinalIgnoreCase);
        // The file is safetensors whatever its name says: a .pth name would send PyTorch's loader astray.
        if (!onnx && !output.EndsWith(SafeTensorsExtension, StringComparison.OrdinalIgnoreCase))
            throw new BalmsException($"--output {output}: the extension names the format: {SafeTensorsExtension} for the weights, {OnnxExport.Extension} for a model ONNX Runtime runs");
        RefuseToReplace(output, checkpointPath, arguments.Has("--force"));
        if (onnx) return WriteOnnx(arguments, checkpointPath, output);
        RefuseOptionsOfTheOtherFormat(arguments, SafeTensorsExtension, "--prior", "--model-prior", "--softmax");
        bool originalKeys = Flag(arguments, "--pytorch-keys");

        using var weights = ModelWeights.Read(checkpointPath);
        WeightsExport.Write(weights, output, originalKeys);
        Console.WriteLine($"wrote {output}: {weights.Info.Summary}, keyed by {(originalKeys ? "the original's names (network.module.key)" : "Balms names (feat_model.*, classifier.fc.*)")}");
        if (originalKeys)
            Console.WriteLine("to turn it into the original's final_model_checkpoint.pth, run in Python:\n  " +
                              WeightsExport.OriginalCheckpointRecipe.Replace("EXPORT", output));
        return 0;
    }

    /// <summary>
    /// An export holds no training state: written over a training checkpoint (its own input, through any link) it
    /// would end that run's --resume, so that is never done; any other existing file is replaced only with --force.
    /// </summary>
    private static void RefuseToReplace(string output, string checkpointPath, bool force)
    {
        if (Directory.Exists(output)) throw new BalmsException($"--output {output} is a folder; name the file to write");
        if (!File.Exists(output)) return;
        if (RealPath.Of(output) == RealPath.Of(checkpointPath))
            throw new BalmsException($"--output {output} is the checkpoint being exported; export never replaces its input, name another file");
        if (!force) throw new BalmsException($"--output {output} exists; export replaces a file only with --force");
    }

    private static int WriteOnnx(Arguments arguments, string checkpointPath, string output)
    {
        RefuseOptionsOfTheOtherFormat(arguments, OnnxExport.Extension, "--pytorch-keys");
        bool softmax = Flag(arguments, "--softmax");
        using var classifier = PredictCommand.LoadClassifier(arguments, checkpointPath, isExported: false, device: "cpu", workers: 1);
        long bytes = OnnxExport.Write(classifier, output, softmax);

        var shape = classifier.Transform.OutputShape;
        string outputName = softmax ? OnnxExport.ProbabilitiesName : OnnxExport.LogitsName;
        string prior = arguments.One("--prior") is { } target ? $"the {target} prior (--prior)" : $"the model's {classifier.ModelPrior.ToKey()} prior";
        Console.WriteLine($"wrote {output} ({Megabytes(bytes)} MB, ONNX opset {OnnxExport.Opset}): {classifier.Checkpoint.Backbone} with its classifier, " +
                          $"input '{OnnxExport.InputName}' [batch, {shape.Channels}, {shape.Height}, {shape.Width}], output '{outputName}' [batch, {classifier.ClassNames.Count}] for {prior}");
        return 0;
    }

    /// <summary>An option that only the other format takes is an error rather than silently ignored.</summary>
    private static void RefuseOptionsOfTheOtherFormat(Arguments arguments, string extension, params string[] otherFormatOptions)
    {
        foreach (string option in otherFormatOptions.Where(arguments.Has))
            throw new BalmsException($"{option} does not apply to a {extension} export");
    }

    private static bool Flag(Arguments arguments, string name) => arguments.One(name) switch
    {
        null => false,
        var value when bool.TryParse(value, out bool flag) => flag,
        var value => throw new BalmsException($"{name} takes no value (or true/false), got '{value}'"),
    };

    private static string Megabytes(long bytes) => (bytes / 1e6).ToString("F1", CultureInfo.InvariantCulture);
}
