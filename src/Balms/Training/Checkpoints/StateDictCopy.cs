using Balms.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Balms.Training.Checkpoints;

/// <summary>Copies named tensors into a model once all of them are checked to fit it exactly.</summary>
internal static class StateDictCopy
{
    private const string BatchCounterSuffix = ".num_batches_tracked";

    /// <summary>
    /// Every tensor of the model (its classifier's only with <paramref name="includeClassifier"/>) must be stored
    /// with the same shape, and every stored model tensor must exist in the model; the error names the first tensor
    /// that differs, in the model's order. Stored tensors outside feat_model/classifier (optimiser state) are ignored.
    /// Nothing is copied unless everything fits.
    /// </summary>
    /// <param name="storedName">How the file names one of our tensors, where that differs (for error messages).</param>
    public static void Into(LongTailModel model, IReadOnlyDictionary<string, Tensor> stored, bool includeClassifier,
        string path, Func<string, string?>? storedName = null)
    {
        var targets = model.state_dict();
        bool Wanted(string name) => includeClassifier || !PyTorchKeys.IsClassifierTensor(name);
        string Describe(string name) => storedName?.Invoke(name) is { } inFile ? $"'{name}' (stored as {inFile})" : $"'{name}'";
        string architecture = includeClassifier
            ? $"a {model.BackboneName} model with {model.ClassCount} classes"
            : $"a {model.BackboneName} backbone";

        foreach (var (name, target) in targets.Where(t => Wanted(t.Key)))
        {
            if (!stored.TryGetValue(name, out var tensor))
            {
                // PyTorch before 0.4.1 did not save BatchNorm's batch counter; neither evaluation nor training reads it.
                if (name.EndsWith(BatchCounterSuffix, StringComparison.Ordinal)) continue;
                throw new BalmsException($"{path}: no tensor '{name}', which {architecture} needs; is the file a checkpoint of another architecture?");
            }
            if (!tensor.shape.SequenceEqual(target.shape))
                throw new BalmsException($"{path}: tensor {Describe(name)} has shape {Shape(tensor.shape)}, {architecture} expects {Shape(target.shape)}");
        }
        foreach (var name in stored.Keys.Where(name => PyTorchKeys.IsModelTensor(name) && Wanted(name)))
            if (!targets.ContainsKey(name))
                throw new BalmsException($"{path}: tensor {Describe(name)} has no counterpart in {architecture}; is the file a checkpoint of another architecture?");

        using var noGrad = torch.no_grad();
        foreach (var (name, target) in targets.Where(t => Wanted(t.Key)))
            if (stored.TryGetValue(name, out var tensor)) target.copy_(tensor);
    }

    private static string Shape(long[] shape) => $"[{string.Join(", ", shape)}]";
}
