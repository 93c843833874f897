using static TorchSharp.torch;

namespace Balms.Training.Checkpoints;

/// <summary>
/// Finds the model's tensors in an unpickled torch.save object: the original's final checkpoint keeps them under
/// 'state_dict_best', its latest checkpoint under 'state_dict' (both as {'feat_model': ..., 'classifier': ...}); other
/// training scripts use 'model_state_dict' or 'model'; a plain state dict is the object itself.
/// </summary>
internal static class PyTorchCheckpointLayout
{
    private static readonly string[] WrapperKeys = ["state_dict_best", "state_dict", "model_state_dict", "model"];

    /// <param name="FileKey">The dotted path of the tensor in the file, e.g. feat_model.module.conv1.weight.</param>
    /// <param name="StoredName">How Python would reach it, e.g. ['state_dict_best']['feat_model']['module.conv1.weight'].</param>
    public sealed record StoredTensor(string FileKey, string StoredName, Tensor Tensor);

    /// <param name="Layout">Where the weights were found, for the user.</param>
    /// <param name="Epoch">The epoch of these weights, where the file records it.</param>
    public sealed record Found(IReadOnlyList<StoredTensor> Tensors, string Layout, int? Epoch);

    public static Found Find(object? root, string path)
    {
        if (root is not Dictionary<object, object?> top)
            throw new BalmsException(root is OpaqueObject whole
                ? $"{path} holds a pickled {whole.Type} object, not a state dict; save model.state_dict() with torch.save instead"
                : $"{path} holds no state dict (expected a dict of tensors)");
        string? wrapper = WrapperKeys.FirstOrDefault(key => top.GetValueOrDefault(key) is Dictionary<object, object?>);
        var stateDict = wrapper is null ? top : (Dictionary<object, object?>)top[wrapper]!;
        string storedPrefix = wrapper is null ? "" : $"['{wrapper}']";
        var tensors = Flatten(stateDict, "", storedPrefix).ToList();
        if (tensors.Count == 0)
            throw new BalmsException($"{path} holds no tensors under {(wrapper is null ? "its top level" : storedPrefix)}; expected a state dict or the original's {{'state_dict_best': {{'feat_model': ..., 'classifier': ...}}}}");
        // state_dict_best holds the weights of the best epoch, 'epoch' is the last one trained.
        object? epoch = wrapper == "state_dict_best" ? top.GetValueOrDefault("best_epoch") : top.GetValueOrDefault("epoch");
        string layout = wrapper is null ? "PyTorch state dict" : $"PyTorch checkpoint, weights under '{wrapper}'";
        return new Found(tensors, layout, epoch is long value and >= int.MinValue and <= int.MaxValue ? (int)value : null);
    }

    private static IEnumerable<StoredTensor> Flatten(Dictionary<object, object?> dict, string keyPrefix, string storedPrefix)
    {
        foreach (var (key, value) in dict)
        {
            if (key is not string name) continue;
            string stored = $"{storedPrefix}['{name}']";
            if (value is Tensor tensor) yield return new StoredTensor(keyPrefix + name, stored, tensor);
            else if (value is Dictionary<object, object?> nested)
                foreach (var inner in Flatten(nested, keyPrefix + name + ".", stored)) yield return inner;
        }
    }
}
