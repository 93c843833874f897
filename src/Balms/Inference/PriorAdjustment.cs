using System.Text.Json;
using Balms.Configuration;

namespace Balms.Inference;

/// <summary>
/// Post-hoc label-shift correction. A classifier calibrated for the class prior π_model gives p(y|x) ∝ p(x|y) π_model(y);
/// the same features under a target prior π_target give p'(y|x) ∝ p(x|y) π_target(y), so the logits become
/// logits'(c) = logits(c) + log π_target(c) − log π_model(c). A Balanced Softmax model has π_model uniform, so adjusting
/// it to the training prior gives back what plain softmax would predict, and adjusting to the test prior is optimal
/// when the test set is long-tailed (e.g. the "forward" test sets of LADE).
/// </summary>
public static class PriorAdjustment
{
    /// <summary>Every class 1 / <paramref name="classCount"/>.</summary>
    public static double[] Uniform(int classCount) => Enumerable.Repeat(1.0 / classCount, classCount).ToArray();

    /// <summary>Non-negative weights or counts scaled to sum to 1.</summary>
    /// <param name="source">Names the weights in error messages (a file, an option).</param>
    /// <exception cref="BalmsException">A weight is negative or not finite, or all are 0.</exception>
    public static double[] Normalize(IReadOnlyList<double> weights, string source)
    {
        if (weights.Any(w => !double.IsFinite(w) || w < 0))
            throw new BalmsException($"{source}: class prior weights must be finite and >= 0, got [{string.Join(", ", weights)}]");
        double total = weights.Sum();
        if (!(total > 0)) throw new BalmsException($"{source}: class prior weights are all 0");
        return weights.Select(w => w / total).ToArray();
    }

    /// <summary>Class counts as a prior: each class's share.</summary>
    public static double[] FromCounts(IReadOnlyList<long> counts, string source) =>
        Normalize(counts.Select(n => (double)n).ToArray(), source);

    /// <summary>
    /// log π_target(c) − log π_model(c) for every class. A class with target prior 0 gets −∞ (it is never predicted).
    /// </summary>
    /// <exception cref="BalmsException">The priors differ in length, or the model prior has a class at 0.</exception>
    public static double[] LogitOffsets(IReadOnlyList<double> targetPrior, IReadOnlyList<double> modelPrior)
    {
        if (targetPrior.Count != modelPrior.Count)
            throw new BalmsException($"the target prior has {targetPrior.Count} classes but the model has {modelPrior.Count}");
        if (modelPrior.Any(p => !(p > 0)))
            throw new BalmsException("the model's class prior gives a class probability 0 (a class without training images), so no prior can be divided out; use --model-prior balanced");
        return targetPrior.Select((p, c) => Math.Log(p) - Math.Log(modelPrior[c])).ToArray();
    }

    /// <summary>
    /// A target prior named on the command line: "uniform", "train" (the training class counts), "train^P" (those
    /// counts to the power P: Menon et al.'s post-hoc logit adjustment with tau of a model calibrated for the training
    /// prior is train^(1 - tau)), any other <see cref="ModelPrior"/> key, or a JSON file holding a list of per-class
    /// weights or counts, one per class in class-id order.
    /// </summary>
    /// <param name="keywords">How errors list the accepted words, for commands that accept more (eval's test).</param>
    /// <exception cref="BalmsException">The file is missing or malformed, or its length is not the class count.</exception>
    public static double[] ParseTarget(string spec, IReadOnlyList<long> trainCounts, string keywords = "uniform, train, train^P")
    {
        return ModelPrior.TryParse(spec, out var prior)
            ? prior.Distribution(trainCounts)
            : Normalize(ReadWeights(spec, trainCounts.Count, "--prior", keywords), spec);
    }

    /// <summary>A JSON list of <paramref name="classCount"/> non-negative numbers.</summary>
    /// <param name="option">The option that named the file, and the <paramref name="keywords"/> it accepts besides a
    /// file, for the error when there is no such file.</param>
    public static double[] ReadWeights(string path, int classCount, string option, string keywords)
    {
        if (!File.Exists(path))
            throw new BalmsException($"{option} {path}: no such file (expected {keywords}, or a JSON file with a list of {classCount} per-class weights or counts)");
        double[]? weights;
        try
        {
            weights = JsonSerializer.Deserialize<double[]>(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BalmsException($"{path}: cannot read the prior file ({e.Message})", e);
        }
        catch (JsonException e)
        {
            throw new BalmsException($"{path}: expected a JSON list of {classCount} per-class weights or counts, e.g. [120, 40, 5] (line {e.LineNumber + 1})", e);
        }
        if (weights is null || weights.Length != classCount)
            throw new BalmsException($"{path}: expected a JSON list of {classCount} per-class weights or counts (one per class in class-id order), found {weights?.Length ?? 0}");
        return weights;
    }
}
