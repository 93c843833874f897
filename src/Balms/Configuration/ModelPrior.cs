namespace Balms.Configuration;

/// <summary>The class prior a model's logits are calibrated for, i.e. the label distribution it was trained to predict.</summary>
public enum ModelPrior
{
    /// <summary>Every class equally likely: Balanced Softmax, or class-balanced / meta-learned sampling.</summary>
    Balanced,

    /// <summary>The training set's class frequencies: plain softmax with instance-balanced sampling.</summary>
    Train,
}

/// <summary>
/// Next to the training options it is derived from, so that the trainer can record the prior in its checkpoints
/// without depending on the inference code that reads it back.
/// </summary>
public static class ModelPriors
{
    /// <summary>
    /// The prior a training stage calibrates its model for. Balanced Softmax trains for a balanced prior whatever the
    /// sampler; plain softmax learns the prior of the batches it sees, which is the training prior with instance
    /// sampling and (approximately) balanced with class-aware or meta-learned sampling.
    /// </summary>
    public static ModelPrior Of(TrainingOptions training) =>
        training is { Loss.FitsBalancedPosterior: false, Sampler: InstanceSamplerOptions } ? ModelPrior.Train : ModelPrior.Balanced;

    /// <summary>The name a checkpoint records for the prior of a training stage (see <see cref="Of"/>).</summary>
    public static string KeyFor(TrainingOptions training) => Of(training).ToKey();

    /// <summary>The name in checkpoints and on the command line: balanced or train.</summary>
    public static string ToKey(this ModelPrior prior) => prior.ToString().ToLowerInvariant();

    /// <summary>
    /// The prior to divide out of a checkpoint's logits: the one <paramref name="chosen"/> on the command line, else
    /// the one the checkpoint recorded, else balanced (checkpoints from before the prior was recorded, other tools').
    /// </summary>
    /// <param name="source">Names the checkpoint in errors.</param>
    public static ModelPrior Resolve(ModelPrior? chosen, string? recordedKey, string source) =>
        chosen ?? (recordedKey is { } key ? Parse(key, source) : ModelPrior.Balanced);

    /// <exception cref="BalmsException"><paramref name="key"/> is neither balanced nor train.</exception>
    public static ModelPrior Parse(string key, string source) => key.Trim().ToLowerInvariant() switch
    {
        "balanced" => ModelPrior.Balanced,
        "train" => ModelPrior.Train,
        _ => throw new BalmsException($"{source}: unknown model prior '{key}'; valid: balanced, train"),
    };
}
