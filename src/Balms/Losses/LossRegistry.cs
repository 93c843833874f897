namespace Balms.Losses;

/// <summary>Creates a loss from its configuration name.</summary>
public static class LossRegistry
{
    private static readonly Dictionary<string, Func<long[], LongTailLoss>> Factories =
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["softmax"] = _ => new SoftmaxCrossEntropy(),
            ["balanced_softmax"] = classCounts => new BalancedSoftmax(classCounts),
        };

    /// <summary>The accepted names (case-insensitive).</summary>
    public static IReadOnlyCollection<string> Names => Factories.Keys;

    /// <param name="classCounts">Training samples per class, for losses that correct for the label prior.</param>
    /// <exception cref="BalmsException">The name is not one of <see cref="Names"/>, or the counts do not suit the loss.</exception>
    public static LongTailLoss Create(string name, long[] classCounts)
    {
        if (!Factories.TryGetValue(name, out var create))
            throw new BalmsException($"Unknown loss '{name}'; valid names: {string.Join(", ", Names)}.");
        return create(classCounts);
    }
}
