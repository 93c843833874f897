using Balms.Inference;
using Balms.Training.Checkpoints;

namespace Balms.Cli;

/// <summary>
/// Writes the model weights of a checkpoint (ours, a safetensors file or a PyTorch .pth) as one safetensors file, keyed
/// by our names or, with --pytorch-keys, by the original code's.
/// </summary>
public static class ExportCommand
{
    public const string Usage = "export --checkpoint FILE|RUN_DIR --output FILE.safetensors [--pytorch-keys]";

    public static int Run(Arguments arguments, CancellationToken cancellation)
    {
        arguments.Allow("--checkpoint", "--output", "--pytorch-keys");
        string checkpointPath = ImageClassifier.ResolveCheckpoint(arguments.Required("--checkpoint", Usage));
        string output = arguments.Required("--output", Usage);
        // The file is safetensors whatever its name says: a .pth name would send PyTorch's loader astray.
        if (!output.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            throw new BalmsException($"--output {output}: export writes safetensors, so the file name must end in .safetensors");
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
}
