namespace Balms.Configuration;

/// <summary>Experiment file + command-line overrides -> validated <see cref="ExperimentOptions"/>.</summary>
public static class ConfigLoader
{
    /// <param name="path">A YAML file in this toolkit's schema or in the original repository's.</param>
    /// <param name="overrides">"dotted.key=value" pairs applied to the file as written (before any adaptation).</param>
    public static ExperimentOptions Load(string path, IEnumerable<string>? overrides = null)
    {
        if (Directory.Exists(path)) throw new ConfigException($"{path} is a folder, not a config file{ConfigsIn(path)}");
        if (!File.Exists(path)) throw new ConfigException($"config file not found: {path}");
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException e)
        {
            throw new ConfigException($"cannot read config file {path}: {e.Message}");
        }
        return Parse(text, Path.GetFileName(path), overrides);
    }

    public static ExperimentOptions Parse(string yaml, string fileName, IEnumerable<string>? overrides = null)
    {
        var root = ConfigNode.ParseYaml(yaml, fileName);
        // Every setting but one has a default, so an empty file (a wrong or truncated file) would otherwise train.
        if (root.Entries.Count == 0)
            throw new ConfigException($"{fileName} is empty: it holds no settings; a config names at least training.num_epochs or training.num_iterations (see the files in configs/)");
        foreach (string assignment in overrides ?? [])
            ApplyOverride(root, assignment);
        if (OriginalConfigAdapter.LooksOriginal(root)) root = OriginalConfigAdapter.Adapt(root, fileName);
        var options = ConfigBinder.Bind<ExperimentOptions>(root);
        Validate(options);
        return options;
    }

    /// <summary>"; it holds a.yaml, b.yaml, ..." for a folder given where a config file was expected.</summary>
    private static string ConfigsIn(string folder)
    {
        const int Named = 3;
        var configs = Directory.EnumerateFiles(folder, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        if (configs.Count == 0) return "; give a .yaml file";
        return $"; it holds {string.Join(", ", configs.Take(Named))}{(configs.Count > Named ? ", ..." : "")}";
    }

    private static void ApplyOverride(ConfigMapping root, string assignment)
    {
        int equals = assignment.IndexOf('=');
        if (equals <= 0)
            throw new ConfigException($"--set '{assignment}': expected key=value, e.g. training.batch_size=64");
        string key = assignment[..equals].Trim();
        var parsed = ConfigNode.ParseYaml("value: " + assignment[(equals + 1)..], $"--set {key}");
        var value = parsed["value"]!;
        root.SetPath(key, value is ConfigScalar scalar ? new ConfigScalar { Value = scalar.Value, Origin = $"--set {key}" } : value);
    }

    private static void Validate(ExperimentOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Name))
            throw new ConfigException("'name' must not be empty: it names the run in its files, tables and reports");
        if (string.IsNullOrWhiteSpace(options.Output.Dir))
            throw new ConfigException("'output.dir' must not be empty: it is the folder the run writes to");
        if (options.Data.SkipBadImages && options.Data.Dataset is not (DatasetKind.ImagenetLt or DatasetKind.PlacesLt))
            throw new ConfigException("'data.skip_bad_images' applies to imagenet_lt and places_lt only; for other data, remove or replace the file an error names");
        if (options.Model.AllowSlowBfloat16 && options.Model.Precision != Precision.Bfloat16)
            throw new ConfigException("'model.allow_slow_bfloat16' applies to 'model.precision: bfloat16' only");
        var training = options.Training;
        if (training.NumIterations is null == training.NumEpochs is null)
            throw new ConfigException("set exactly one of 'training.num_iterations' and 'training.num_epochs'");
        if (training.Stage == TrainingStage.Decoupled && string.IsNullOrWhiteSpace(training.ModelDir))
            throw new ConfigException("'training.model_dir' is required for the decoupled stage: the stage-1 run directory or checkpoint to start from");
        if (training.Stage2Subset == Stage2Subset.Redraw && training.Stage != TrainingStage.Decoupled)
            throw new ConfigException("'training.stage2_subset: redraw' applies to the decoupled stage only");
        if (training.Stage2Subset == Stage2Subset.Redraw && options.Data.Dataset == DatasetKind.ImageFolder)
            throw new ConfigException("'training.stage2_subset: redraw' is not for image_folder data: another data_seed would move stage 1's training images into the test or val split; leave it at same_as_stage1");
        if (!training.ResetClassifier && training.Stage != TrainingStage.Decoupled)
            throw new ConfigException("'training.reset_classifier' applies to the decoupled stage only (an end-to-end stage has no stage-1 classifier)");
        if (training.Sampler is MetaSamplerOptions && training.Stage != TrainingStage.Decoupled)
            throw new ConfigException("'training.sampler.type: meta' (BALMS) needs 'training.stage: decoupled'");
        if (training.Sampler is MetaSamplerOptions { CacheMetaFeatures: true } && !training.FreezeBatchNorm)
            throw new ConfigException("'training.sampler.cache_meta_features: true' needs 'training.freeze_batch_norm: true': with BatchNorm in train mode a feature depends on the rest of its batch, so it cannot be computed once");
        if (options.Training.Schedule is StepScheduleOptions { EndLr: not 0 })
            throw new ConfigException("'training.schedule.end_lr' does not apply to the step schedule (it multiplies the rate by gamma every step_epochs epochs)");
        if (options.Training.Schedule is WarmupCosineScheduleOptions { BaseLr: <= 0 })
            throw new ConfigException("'training.schedule.base_lr' must be > 0");
        LossMethodRules.Validate(options);
    }
}
