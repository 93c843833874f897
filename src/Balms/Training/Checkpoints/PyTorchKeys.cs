namespace Balms.Training.Checkpoints;

/// <summary>
/// Maps parameter names between PyTorch files and our model. Ours are feat_model.&lt;backbone key&gt; and
/// classifier.fc.{weight,bias}. The original code keeps one state dict per network, each wrapped in DataParallel, so
/// its names read feat_model → module.conv1.weight and classifier → module.fc.weight; a torchvision-style backbone
/// file has conv1.weight, ..., and possibly its head as fc.weight.
/// </summary>
internal static class PyTorchKeys
{
    public const string Backbone = "feat_model";
    public const string Classifier = "classifier";
    private const string DataParallelPrefix = "module.";
    private const string HeadPrefix = "fc.";

    /// <summary>
    /// Our name for a flattened file key ("feat_model.module.conv1.weight", "module.fc.bias", "layer1.0.bn1.weight"):
    /// DataParallel's module. prefixes are dropped, a top-level fc.* is the classifier's head, and any other key
    /// outside feat_model/classifier belongs to the backbone (our backbones have no fc of their own).
    /// </summary>
    public static string ToOurs(string fileKey)
    {
        string key = StripDataParallel(fileKey);
        foreach (string network in new[] { Backbone, Classifier })
            if (key.StartsWith(network + ".", StringComparison.Ordinal))
                return network + "." + StripDataParallel(key[(network.Length + 1)..]);
        return key.StartsWith(HeadPrefix, StringComparison.Ordinal) ? Classifier + "." + key : Backbone + "." + key;
    }

    /// <summary>
    /// The original's name for one of ours, as network.module.key: splitting at the first dot gives the network
    /// (state_dict_best[network]) and its DataParallel key.
    /// </summary>
    public static string ToOriginal(string ourKey)
    {
        int dot = ourKey.IndexOf('.');
        if (dot < 0 || ourKey[..dot] is not (Backbone or Classifier))
            throw new ArgumentException($"'{ourKey}' is not a model tensor name", nameof(ourKey));
        return ourKey[..(dot + 1)] + DataParallelPrefix + ourKey[(dot + 1)..];
    }

    /// <summary>Whether our name belongs to the model (feat_model.* or classifier.*), not to optimiser or sampler state.</summary>
    public static bool IsModelTensor(string ourKey) =>
        ourKey.StartsWith(Backbone + ".", StringComparison.Ordinal) || IsClassifierTensor(ourKey);

    public static bool IsClassifierTensor(string ourKey) => ourKey.StartsWith(Classifier + ".", StringComparison.Ordinal);

    private static string StripDataParallel(string key)
    {
        while (key.StartsWith(DataParallelPrefix, StringComparison.Ordinal)) key = key[DataParallelPrefix.Length..];
        return key;
    }
}
