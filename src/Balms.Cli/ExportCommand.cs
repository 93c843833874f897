using Balms.Inference;
using Balms.Training.Checkpoints;

namespace Balms.Cli;

/// <summary>
/// Writes the model weights of a checkpoint (ours, a safetensors file or a PyTorch .pth) as one safetensors file, keyed
/// by our names or, with --pytorch-keys, by the original code's.
/// </summary>
public static class ExportCommand
{
    public const string Usage = "export --checkpoint FILE|RUN_DIR --output FILE.safetensors [--pytorch-keys] [--force]";

    public static int Run(Arguments arguments, CancellationToken cancellation)
    {
        arguments.Allow("--checkpoint", "--output", "--pytorch-keys", "--force");
        string checkpointPath = ImageClassifier.ResolveCheckpoint(arguments.Required("--checkpoint", Usage));
        string output = arguments.Required("--output", Usage);
        // The file is safetensors whatever its name says: a .pth name would send PyTorch's loader astray.
        if (!output.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            throw new BalmsException($"--output {output}: export writes safetensors, so the file name must end in .safetensors");
        RefuseToReplace(output, checkpointPath, arguments.Has("--force"));
        bool originalKeys = arguments.One("--pytorch-keys") switch
        {
            null => false,
            var value when bool.TryParse(value, out bool flag) => flag,
            var value => throw new BalmsException($"--pytorch-keys takes no value (or true/false), got '{value}'"),
        };

        using var weights = ModelWeights.Read(checkpointPath);
        WeightsExport.Write(weights, output, originalKeys);
        Console.WriteLine($"wrote {output}: {weights.Info.Summary}, keyed by {(originalKeys ? "the original's names (network.module.key)" : "Balms names (feat_model.*, classifier.fc.*)")}");
        if (originalKeys)
            Console.WriteLine("to turn it into the original's final_model_checkpoint.pth, run in Python:\n  " +
                              WeightsExport.OriginalCheckpointRecipe.Replace("EXPORT", output));
        return 0;
    }

    /// <summary>
    /// An export holds the weights only: written over a training checkpoint (its own input, through any link) it would
    /// end that run's --resume, so that is never done; any other existing file only with --force.
    /// </summary>
    private static void RefuseToReplace(string output, string checkpointPath, bool force)
    {
        if (Directory.Exists(output)) throw new BalmsException($"--output {output} is a folder; name the .safetensors file to write");
        if (!File.Exists(output)) return;
        if (RealPath.Of(output) == RealPath.Of(checkpointPath))
            throw new BalmsException($"--output {output} is the checkpoint being exported; export never replaces its input, name another file");
        if (!force) throw new BalmsException($"--output {output} exists; export replaces a file only with --force");
    }
}
