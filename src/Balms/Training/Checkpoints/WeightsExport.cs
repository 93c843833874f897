using System.Globalization;

namespace Balms.Training.Checkpoints;

/// <summary>
/// Writes model weights as a safetensors file without optimiser or sampler state, keyed by our names or by the
/// original code's (network.module.key, see <see cref="PyTorchKeys.ToOriginal"/>).
/// </summary>
public static class WeightsExport
{
    public const string Format = "balms-weights/1";

    /// <summary>
    /// Python that turns an export with original keys into the original's final_model_checkpoint.pth, for the user.
    /// </summary>
    public const string OriginalCheckpointRecipe =
        "from safetensors.torch import load_file; import torch; w = load_file('EXPORT'); " +
        "torch.save({'state_dict_best': {n: {k[len(n) + 1:]: v for k, v in w.items() if k.startswith(n + '.')} " +
        "for n in ('feat_model', 'classifier')}}, 'final_model_checkpoint.pth')";

    public static void Write(ModelWeights weights, string output, bool originalKeys)
    {
        var tensors = weights.Tensors.ToDictionary(t => originalKeys ? PyTorchKeys.ToOriginal(t.Key) : t.Key, t => t.Value);
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["key_names"] = originalKeys ? "original" : "balms",
            ["source"] = Path.GetFileName(weights.Info.Path),
        };
        if (weights.Info.Epoch is { } epoch) metadata["epoch"] = epoch.ToString(CultureInfo.InvariantCulture);
        if (weights.Info.Checkpoint is { } checkpoint) metadata["backbone"] = checkpoint.Backbone;
        SafeTensorsFile.Save(output, tensors, metadata);
    }
}
