using System.Globalization;
using System.Text.RegularExpressions;

namespace Balms.Configuration;

/// <summary>
/// A class prior stated through the training counts n_c, so that a checkpoint can record it in a few characters and any
/// run can rebuild it: pi_c proportional to n_c^TrainPower, divided by the effective number E_beta(n_c) when class-balanced
/// weights with <see cref="EffectiveNumberBeta"/> = beta are part of it. It is the label distribution a model's logits
/// are calibrated for (balanced = n^0, the training frequencies = n^1, a logit-adjusted loss with tau = n^(1 - tau)),
/// and a target prior to adjust them to.
/// </summary>
/// <remarks>
/// Keys, as checkpoints, <c>--model-prior</c> and <c>--prior</c> spell them: <c>balanced</c> (or <c>uniform</c>),
/// <c>train</c>, <c>train^P</c> (e.g. <c>train^0.5</c>), each optionally followed by <c>/effective_number(beta)</c>.
/// </remarks>
public sealed partial record ModelPrior(double TrainPower, double? EffectiveNumberBeta = null)
{
    /// <summary>Every class equally likely: Balanced Softmax, or class-balanced / meta-learned sampling.</summary>
    public static ModelPrior Balanced { get; } = new(0);

    /// <summary>The training set's class frequencies: plain softmax with instance-balanced sampling.</summary>
    public static ModelPrior Train { get; } = new(1);

    /// <summary>This prior divided by the training prior to the power <paramref name="power"/> (a logit adjustment).</summary>
    /// <remarks>Rounded to 12 decimals, as <see cref="ToKey"/> writes it, so that 1 - 0.7 is the 0.3 a key reads back.</remarks>
    public ModelPrior DividedByTrain(double power) => this with { TrainPower = Math.Round(TrainPower - power, 12) };

    /// <summary>This prior times the class-balanced weights 1 / E_beta(n_c) (a class-balanced loss).</summary>
    public ModelPrior Reweighted(double beta) => EffectiveNumberBeta is null
        ? this with { EffectiveNumberBeta = beta }
        : throw new InvalidOperationException($"{ToKey()} is already re-weighted");

    /// <summary>The prior's class probabilities for the training counts <paramref name="trainCounts"/>.</summary>
    /// <exception cref="BalmsException">A class without training images makes the prior undefined (infinite).</exception>
    public double[] Distribution(IReadOnlyList<long> trainCounts)
    {
        double[] weights = trainCounts.Select(n => Math.Pow(n, TrainPower) / (EffectiveNumberBeta is { } beta ? EffectiveNumber.Of(n, beta) : 1)).ToArray();
        int undefined = Array.FindIndex(weights, w => !double.IsFinite(w));
        if (undefined >= 0)
            throw new BalmsException($"the class prior {ToKey()} is undefined for class {undefined}, which has {trainCounts[undefined]} training images");
        double total = weights.Sum();
        return weights.Select(w => w / total).ToArray();
    }

    /// <summary>The name in checkpoints and on the command line, e.g. balanced, train, train^0.5.</summary>
    public string ToKey()
    {
        string power = TrainPower switch
        {
            0 => "balanced",
            1 => "train",
            _ => "train^" + TrainPower.ToString(CultureInfo.InvariantCulture),
        };
        return EffectiveNumberBeta is { } beta ? $"{power}/effective_number({beta.ToString(CultureInfo.InvariantCulture)})" : power;
    }

    public override string ToString() => ToKey();

    /// <summary>What <see cref="Parse"/> accepts, for error messages.</summary>
    public const string Grammar = "balanced (or uniform), train or train^P (the training frequencies to the power P, e.g. train^0.5), each optionally followed by /effective_number(beta)";

    /// <summary>Reads a key of <see cref="ToKey"/> (and uniform for balanced); false when it is none.</summary>
    public static bool TryParse(string text, out ModelPrior prior)
    {
        var match = KeyPattern().Match(text.Trim().ToLowerInvariant());
        prior = Balanced;
        if (!match.Success) return false;
        double power = match.Groups["base"].Value != "train" ? 0
            : match.Groups["power"].Success ? double.Parse(match.Groups["power"].Value, CultureInfo.InvariantCulture) : 1;
        double? beta = match.Groups["beta"].Success ? double.Parse(match.Groups["beta"].Value, CultureInfo.InvariantCulture) : null;
        if (!double.IsFinite(power) || beta > 1) return false;
        prior = new ModelPrior(power, beta);
        return true;
    }

    /// <exception cref="BalmsException"><paramref name="key"/> is not a prior's key.</exception>
    /// <param name="source">Names the file or option in errors.</param>
    public static ModelPrior Parse(string key, string source) => TryParse(key, out var prior)
        ? prior
        : throw new BalmsException($"{source}: unknown class prior '{key}'; valid: {Grammar}");

    [GeneratedRegex(@"^(?<base>balanced|uniform|train)(\^(?<power>[-+]?[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?))?(/effective_number\((?<beta>[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?)\))?$")]
    private static partial Regex KeyPattern();
}

/// <summary>
/// Next to the training options it is derived from, so that the trainer can record the prior in its checkpoints
/// without depending on the inference code that reads it back.
/// </summary>
public static class ModelPriors
{
    /// <summary>
    /// The prior a training stage calibrates its model for: the prior of its batches (the training prior with instance
    /// sampling, balanced with class-aware sampling) as its loss shifts it (<see cref="LossOptions.FittedPrior"/>).
    /// The Meta Sampler learns the sampling rates that make the classifier fit a balanced meta set, whatever the loss.
    /// </summary>
    public static ModelPrior Of(TrainingOptions training) => training.Sampler switch
    {
        MetaSamplerOptions => ModelPrior.Balanced,
        InstanceSamplerOptions => training.Loss.FittedPrior(ModelPrior.Train),
        _ => training.Loss.FittedPrior(ModelPrior.Balanced),
    };

    /// <summary>The name a checkpoint records for the prior of a training stage (see <see cref="Of"/>).</summary>
    public static string KeyFor(TrainingOptions training) => Of(training).ToKey();

    /// <summary>
    /// The prior to divide out of a checkpoint's logits: the one <paramref name="chosen"/> on the command line, else
    /// the one the checkpoint recorded, else balanced (checkpoints from before the prior was recorded, other tools').
    /// </summary>
    /// <param name="source">Names the checkpoint in errors.</param>
    public static ModelPrior Resolve(ModelPrior? chosen, string? recordedKey, string source) =>
        chosen ?? (recordedKey is { } key ? ModelPrior.Parse(key, source) : ModelPrior.Balanced);
}
