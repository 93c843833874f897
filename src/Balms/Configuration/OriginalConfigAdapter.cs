namespace Balms.Configuration;

/// <summary>
/// Reads the experiment files of the original BALMS repository (keys training_opt, networks, criterions, ...) and
/// rewrites them into this toolkit's schema, so users can bring their files unchanged. Components named by
/// <c>def_file</c> are mapped by file name; the data location comes from --data-root.
/// </summary>
public static class OriginalConfigAdapter
{
    private static readonly Dictionary<string, string> Backbones = new()
    {
        ["ResNet32Feature"] = "resnet32", ["ResNet10Feature"] = "resnet10", ["ResNet152Feature"] = "resnet152",
        ["ResNet152FeatureCaffe"] = "resnet152", ["ResNext50Feature"] = "resnext50",
    };

    private static readonly Dictionary<string, string> LossFiles = new()
    {
        ["SoftmaxLoss"] = "softmax", ["BalancedSoftmaxLoss"] = "balanced_softmax",
    };

    private static readonly Dictionary<string, string> Datasets = new()
    {
        ["CIFAR10_LT"] = "cifar10_lt", ["CIFAR100_LT"] = "cifar100_lt",
        ["ImageNet_LT"] = "imagenet_lt", ["Places_LT"] = "places_lt",
    };

    /// <summary>
    /// The top-level keys an original-format file may have: read below, or accepted and ignored (memory and last are
    /// OLTR leftovers; shuffle permutes each batch, which changes nothing here).
    /// </summary>
    private static readonly HashSet<string> KnownTopLevel =
        ["memory", "shuffle", "last", "coslr", "coslrwarmup", "warmup_iterations", "base_lr", "warmup_lr", "endlr",
         "criterions", "model_dir", "networks", "training_opt", "sampler"];

    public static bool LooksOriginal(ConfigMapping root) => root["training_opt"] is not null && root["networks"] is not null;

    public static ConfigMapping Adapt(ConfigMapping original, string fileName)
    {
        foreach (var key in original.Entries.Keys)
            if (!KnownTopLevel.Contains(key))
                throw new ConfigException($"{fileName}: unknown key '{key}' in an original-format config; known keys: {string.Join(", ", KnownTopLevel)}");

        var training = Mapping(original, "training_opt", fileName);
        var networks = Mapping(original, "networks", fileName);
        var features = Mapping(networks, "feat_model", fileName, "networks.");
        var classifier = Mapping(networks, "classifier", fileName, "networks.");
        var result = new ConfigMapping { Origin = fileName };

        string dataset = Text(training, "dataset") ?? throw Missing(fileName, "training_opt.dataset");
        result.SetPath("data.dataset", Scalar(Datasets.GetValueOrDefault(dataset, dataset)));
        Copy(training, "cifar_imb_ratio", result, "data.imbalance_factor");
        result.SetPath("name", Scalar(Path.GetFileNameWithoutExtension(fileName)));

        string backboneFile = DefFileName(features, "networks.feat_model", fileName);
        result.SetPath("model.backbone", Scalar(Backbones.TryGetValue(backboneFile, out var backbone)
            ? backbone
            : throw new ConfigException($"{fileName}: networks.feat_model.def_file '{backboneFile}' has no counterpart here; supported: {string.Join(", ", Backbones.Keys)}")));
        string classifierFile = DefFileName(classifier, "networks.classifier", fileName);
        if (classifierFile != "DotProductClassifier")
            throw new ConfigException($"{fileName}: networks.classifier.def_file '{classifierFile}' is not supported; supported: DotProductClassifier");

        bool decoupled = Text(features, "fix") is "true" or "True";
        result.SetPath("training.stage", Scalar(decoupled ? "decoupled" : "end_to_end"));
        Copy(training, "batch_size", result, "training.batch_size");
        Copy(training, "num_iterations", result, "training.num_iterations");
        Copy(training, "num_epochs", result, "training.num_epochs");
        Copy(training, "log_dir", result, "output.dir");
        Copy(original, "model_dir", result, "training.model_dir");

        var classifierOptim = Mapping(classifier, "optim_params", fileName, "networks.classifier.");
        Copy(classifierOptim, "lr", result, "training.optimizer.lr");
        Copy(classifierOptim, "momentum", result, "training.optimizer.momentum");
        Copy(classifierOptim, "weight_decay", result, "training.optimizer.weight_decay");
        if (!decoupled && features["optim_params"] is ConfigMapping featureOptim)
            Copy(featureOptim, "lr", result, "training.optimizer.backbone_lr");

        var loss = Mapping(Mapping(original, "criterions", fileName), "PerformanceLoss", fileName, "criterions.");
        string lossFile = DefFileName(loss, "criterions.PerformanceLoss", fileName);
        result.SetPath("training.loss", Scalar(LossFiles.TryGetValue(lossFile, out var lossType)
            ? lossType
            : throw new ConfigException($"{fileName}: criterions.PerformanceLoss.def_file '{lossFile}' is not supported; supported: {string.Join(", ", LossFiles.Keys)}")));

        AdaptSchedule(original, result, fileName);
        AdaptSampler(original["sampler"] ?? training["sampler"], result, fileName);
        return result;
    }

    private static void AdaptSchedule(ConfigMapping original, ConfigMapping result, string fileName)
    {
        if (Text(original, "coslr") is "true" or "True")
            result.SetPath("training.schedule.type", Scalar("cosine"));
        else if (Text(original, "coslrwarmup") is "true" or "True")
        {
            result.SetPath("training.schedule.type", Scalar("warmup_cosine"));
            Copy(original, "warmup_iterations", result, "training.schedule.warmup_iterations");
            Copy(original, "base_lr", result, "training.schedule.base_lr");
            Copy(original, "warmup_lr", result, "training.schedule.warmup_lr");
        }
        else
            throw new ConfigException($"{fileName}: only coslr or coslrwarmup schedules are supported (the step schedule is unused by the original's configs)");
        Copy(original, "endlr", result, "training.schedule.end_lr");
    }

    private static void AdaptSampler(ConfigNode? sampler, ConfigMapping result, string fileName)
    {
        if (sampler is null or ConfigScalar { Value: null })
        {
            result.SetPath("training.sampler.type", Scalar("instance"));
            return;
        }
        if (sampler is not ConfigMapping mapping) throw new ConfigException($"{fileName}: sampler must be null or a mapping");
        switch (Text(mapping, "type"))
        {
            case "ClassAwareSampler":
                result.SetPath("training.sampler.type", Scalar("class_aware"));
                Copy(mapping, "num_samples_cls", result, "training.sampler.samples_per_class");
                break;
            case "MetaSampler":
                result.SetPath("training.sampler.type", Scalar("meta"));
                Copy(mapping, "meta_batch_size", result, "training.sampler.meta_batch_size");
                Copy(mapping, "init_pow", result, "training.sampler.init_pow");
                Copy(mapping, "lr", result, "training.sampler.lr");
                break;
            default:
                throw new ConfigException($"{fileName}: sampler type '{Text(mapping, "type")}' is not supported; supported: null, ClassAwareSampler, MetaSampler");
        }
    }

    private static ConfigMapping Mapping(ConfigMapping parent, string key, string fileName, string prefix = "") =>
        parent[key] as ConfigMapping ?? throw Missing(fileName, prefix + key);

    private static string DefFileName(ConfigMapping component, string path, string fileName) =>
        Path.GetFileNameWithoutExtension(Text(component, "def_file") ?? throw Missing(fileName, path + ".def_file"));

    private static string? Text(ConfigMapping mapping, string key) => (mapping[key] as ConfigScalar)?.Value;

    private static void Copy(ConfigMapping from, string key, ConfigMapping to, string path)
    {
        if (from[key] is ConfigScalar { Value: not null } value) to.SetPath(path, value);
    }

    private static ConfigScalar Scalar(string value) => new() { Value = value, Origin = "original config" };

    private static ConfigException Missing(string fileName, string key) =>
        new($"{fileName}: the original-format config lacks '{key}'");
}
